package templates

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/seesac/roadmap"
)

//go:embed catalogue.yaml
var defaultCatalogue []byte

// DefaultCatalogue is the embedded, illustrative Western Balkans catalogue.
func DefaultCatalogue() (*roadmap.Catalogue, error) { return ParseCatalogue(defaultCatalogue) }

// ParseCatalogue reads a catalogue from YAML and sets its Hash.
func ParseCatalogue(data []byte) (*roadmap.Catalogue, error) {
	var c roadmap.Catalogue
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	sum := sha256.Sum256(data)
	c.Hash = hex.EncodeToString(sum[:])
	return &c, nil
}

package render

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/seesac/roadmap"
	"github.com/seesac/roadmap/datadir"
	"github.com/seesac/roadmap/render/pdf"
)

// Branding is what a report carries besides its content: logos on the
// cover, the funding acknowledgement and the disclaimer on the inside cover.
type Branding struct {
	Logos           []pdf.Image
	Acknowledgement string
	Disclaimer      string
}

// LoadBranding reads the configured logos from the data folder root. A logo
// that is missing or not a PNG or JPEG fails the build with its name: a
// donor report must not go out without the logo it was configured with.
func LoadBranding(root string, c roadmap.BrandingConfig) (*Branding, error) {
	b := &Branding{Acknowledgement: c.Acknowledgement, Disclaimer: c.Disclaimer}
	for i, rel := range c.Logos {
		data, err := os.ReadFile(datadir.New(root).Abs(filepath.ToSlash(rel)))
		if err != nil {
			return nil, fmt.Errorf("branding.logos[%d]: %w", i, err)
		}
		im := pdf.Image{Name: fmt.Sprintf("logo-%d-%s", i, filepath.Base(rel)), Data: data}
		if im.Type() == "" {
			return nil, fmt.Errorf("branding.logos[%d]: %s is neither a PNG nor a JPEG image", i, rel)
		}
		b.Logos = append(b.Logos, im)
	}
	return b, nil
}

// insideCover is the back of the cover: the funding acknowledgement and the
// disclaimer, where the configuration gives them.
func (l *layout) insideCover() {
	b, d := l.r.Branding, l.doc
	if b == nil || b.Acknowledgement == "" && b.Disclaimer == "" {
		return
	}
	d.AddPage()
	label := pdf.Style{Size: 10, Bold: true, Before: 4, After: 1.5}
	body := pdf.Style{Size: 9.5, After: 3}
	if b.Acknowledgement != "" {
		d.Text("Acknowledgement", label)
		d.Text(b.Acknowledgement, body)
	}
	if b.Disclaimer != "" {
		d.Text("Disclaimer", label)
		d.Text(b.Disclaimer, body)
	}
}

package roadmap

import "time"

// Synthesis is SEESAC's own reading of a meeting's figures and narratives:
// the key messages of the executive summary, the regional trends of each
// goal, the support partners and donors give, and the gaps that remain. The
// report generates a first version from the figures; SEESAC edits it in the
// synthesis workbook written with each regional draft and drops it into
// inbox/_seesac/, and the final report prints what SEESAC wrote.
type Synthesis struct {
	Meeting     string      `json:"meeting"`
	Period      Period      `json:"period"`
	KeyMessages []string    `json:"key_messages,omitempty"`
	Trends      []GoalTrend `json:"trends,omitempty"`
	Partners    []Support   `json:"partners,omitempty"`
	Gaps        []Gap       `json:"gaps,omitempty"`
}

// ReceivedSynthesis is a synthesis SEESAC sent for a meeting, with the file
// it came in: its version among the meeting's syntheses (1, 2, …), when it
// was received and the SHA-256 of its bytes.
type ReceivedSynthesis struct {
	Synthesis
	File     string
	Version  int
	Received time.Time
	Hash     string
}

// Trend is the text on goal's regional trends, or "".
func (s *Synthesis) Trend(goal string) string {
	for _, t := range s.Trends {
		if t.Goal == goal {
			return t.Text
		}
	}
	return ""
}

// GoalTrend is the synthesis of one goal's regional trends.
type GoalTrend struct {
	Goal string `json:"goal"` // goal code
	Text string `json:"text"`
}

// Support is one line of the partner and donor support table, as SEESAC
// typed it.
type Support struct {
	Organisation  string `json:"organisation"`
	Jurisdictions string `json:"jurisdictions,omitempty"`
	Goals         string `json:"goals,omitempty"`
	Activity      string `json:"activity,omitempty"`
	Period        string `json:"period,omitempty"`
	Funding       string `json:"funding,omitempty"`
	Currency      string `json:"currency,omitempty"`
	Status        string `json:"status,omitempty"`
}

// Gap is one remaining gap or need for support that SEESAC records.
type Gap struct {
	Goal          string `json:"goal,omitempty"` // as typed: a goal code or its title
	Jurisdictions string `json:"jurisdictions,omitempty"`
	Gap           string `json:"gap"`
	Support       string `json:"support,omitempty"` // the support needed
}

// The synthesis workbook's layout. The writer (templates/) and the reader
// (ingest/) share these names; the reader finds every block by its labels,
// not by its position, so that rows SEESAC inserts or moves are read too.
const (
	SynthesisVersion = "1" // layout version in the metadata sheet

	SheetKeyMessages = "Key messages"
	SheetTrends      = "Regional trends"
	SheetPartners    = "Partner support"
	SheetGaps        = "Remaining gaps"

	// MetaKind is the metadata key that says what a workbook is;
	// KindSynthesis is its value in a synthesis workbook (a Commission's
	// template has no such key).
	MetaKind      = "kind"
	KindSynthesis = "synthesis"
	MetaMeeting   = "meeting"
	// SeesacFolder is SEESAC's own inbox folder (inbox/_seesac/), whose
	// authority is over the syntheses, as inbox/AL/ is Albania's.
	SeesacFolder = "_seesac"

	// Labels: the key messages are the rows whose column A starts with
	// KeyMessageLabel ("Key message 1"), their text in column B; the trends
	// are the rows under the TrendsGoalHeader header, a goal code in that
	// column and the text in the TrendsTextHeader column; the two tables are
	// read under their header rows by column title.
	KeyMessageLabel  = "Key message"
	TrendsGoalHeader = "Goal code"
	TrendsTextHeader = "Key regional trends"
)

// Headers of the partner-support table, in order.
var PartnerHeaders = []string{"Organisation", "Jurisdictions", "Goals", "Activity", "Period", "Funding", "Currency", "Status"}

// Headers of the remaining-gaps table, in order.
var GapHeaders = []string{"Goal", "Jurisdictions", "Remaining gap", "Support needed"}

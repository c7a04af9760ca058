package samples

import (
	"fmt"
	"strings"

	"github.com/seesac/roadmap"
)

// persona is who fills in a jurisdiction's workbook, and the local names its
// narratives use, in the scripts the Commission writes them in.
type persona struct {
	institution string
	contact     string
	email       string
	police      string
	places      []string // the capital first, then other towns and a border crossing
	campaign    string   // an awareness campaign's name
	depot       string   // where weapons are destroyed or stored
}

// personas are fictional people and plausible institutions; the e-mail domains
// use the reserved .example top-level domain.
var personas = map[string]persona{
	"AL": {
		institution: "Komisioni Shtetëror për Kontrollin e Armëve të Vogla dhe të Lehta",
		contact:     "Erion Çela",
		email:       "erion.cela@akvl-al.example",
		police:      "Policia e Shtetit",
		places:      []string{"Tiranë", "Durrës", "Shkodër", "Kakavijë"},
		campaign:    "Jo armë, po jetë",
		depot:       "Mjekës",
	},
	"BA": {
		institution: "Koordinaciono tijelo za pitanja kontrole malog i lakog oružja u BiH",
		contact:     "Amra Hadžić",
		email:       "amra.hadzic@mlo-ba.example",
		police:      "Granična policija BiH / Гранична полиција БиХ",
		places:      []string{"Sarajevo / Сарајево", "Tarčin", "Banja Luka / Бања Лука", "Bijača"},
		campaign:    "Oružje ubija / Оружје убија",
		depot:       "Doboj / Добој",
	},
	"XK": {
		institution: "Komisioni për Armët e Vogla dhe të Lehta / Komisija za malo i lako oružje",
		contact:     "Blerina Krasniqi",
		email:       "blerina.krasniqi@salw-xk.example",
		police:      "Policia e Kosovës / Kosovska policija",
		places:      []string{"Prishtinë / Priština", "Prizren", "Pejë / Peć", "Vërmicë / Vrbnica"},
		campaign:    "Armët nuk janë lodër",
		depot:       "Prishtinë / Priština",
	},
	"ME": {
		institution: "Komisija za malo i lako oružje / Комисија за мало и лако оружје",
		contact:     "Milena Šćepanović",
		email:       "milena.scepanovic@mlo-me.example",
		police:      "Uprava policije / Управа полиције",
		places:      []string{"Podgorica / Подгорица", "Nikšić / Никшић", "Bar", "Dobrakovo"},
		campaign:    "С́ецање",
		depot:       "Danilovgrad",
	},
	"MK": {
		institution: "Национална комисија за мало и лесно оружје",
		contact:     "Ѓорѓи Ќосевски",
		email:       "gjorgji.kjosevski@salw-mk.example",
		police:      "Министерство за внатрешни работи",
		places:      []string{"Скопје", "Куманово", "Tetovë / Тетово", "Табановце"},
		campaign:    "Ѕвонче за мир",
		depot:       "Криволак",
	},
	"RS": {
		institution: "Комисија за контролу малог и лаког оружја",
		contact:     "Ђорђе Њежић",
		email:       "djordje.njezic@malo-oruzje-rs.example",
		police:      "Управа граничне полиције",
		places:      []string{"Београд / Beograd", "Нови Сад", "Ниш", "Батровци"},
		campaign:    "Живот без оружја",
		depot:       "Крагујевац",
	},
}

// personaOf is the jurisdiction's persona, or a plain one made from the
// catalogue for a jurisdiction the samples do not know.
func personaOf(j *roadmap.Jurisdiction) persona {
	if p, ok := personas[j.Code]; ok {
		return p
	}
	capital := j.Capital
	if len(j.LocalNames) > 0 {
		capital = strings.Join(j.LocalNames, " / ")
	}
	code := strings.ToLower(j.Code)
	return persona{
		institution: "National Commission on Small Arms, " + j.Name,
		contact:     "Focal Point " + j.Code,
		email:       "focal.point@salw-" + code + ".example",
		police:      "the police",
		places:      []string{capital, capital, capital, capital},
		campaign:    "Safe Homes",
		depot:       capital,
	}
}

// narratives writes each goal's text for a workbook from its figures, except
// where a goal is left blank on purpose.
func narratives(cat *roadmap.Catalogue, j *roadmap.Jurisdiction, who persona, w *Workbook) []roadmap.Narrative {
	out := make([]roadmap.Narrative, 0, len(cat.Goals))
	for _, g := range cat.Goals {
		n := roadmap.Narrative{Goal: g.Code}
		if !narrativeBlank(j.Code, w.Period, g.Code) {
			n.Progress, n.Challenges, n.Support = goalText(g, who, w)
		}
		out = append(out, n)
	}
	return out
}

func narrativeBlank(j string, p roadmap.Period, goal string) bool {
	for _, b := range blankNarratives {
		if b.Jurisdiction == j && b.Period == p && b.Goal == goal {
			return true
		}
	}
	return false
}

// figures reads a workbook's values for the narrative; a row that is missing
// or blank makes the text fall back to words without figures.
type figures struct {
	w  *Workbook
	ok bool
}

func (f *figures) n(row string) string {
	v, found := f.w.Value(row)
	if !found || !v.Reported {
		f.ok = false
		return ""
	}
	return roadmap.FormatNumber(v.Number, -1) // as an English text would: 49,654 and 27.6
}

func (f *figures) level(row string) string {
	v, found := f.w.Value(row)
	if !found || !v.Reported {
		f.ok = false
		return ""
	}
	return v.Level
}

// goalText is a goal's progress, challenges and support needed. The default
// catalogue's goals get texts built on their indicators; other goals a plain text.
func goalText(g roadmap.Goal, who persona, w *Workbook) (progress, challenges, support string) {
	f := &figures{w: w, ok: true}
	label := w.Period.Label()
	alt := int(halfYears(roadmap.Period{Year: 2018}, w.Period)) % 2
	place := who.places[1+alt]
	switch g.Code {
	case "G1":
		progress = fmt.Sprintf("In %s the working group on the Law on Weapons met in %s; alignment with the EU Firearms Directive stands at %q and the SALW strategy is %q.",
			label, who.places[0], f.level("G1.1"), f.level("G1.2"))
		challenges = "Secondary legislation on deactivation, marking and record keeping still awaits adoption."
		support = "Legal expertise on transposing Directive (EU) 2021/555 and a regional exchange of drafts."
	case "G2":
		progress = fmt.Sprintf("The Firearms Focal Point is %q; %s %% of firearms seized were traced internationally. Coordinator %s presented the analysis in %s.",
			f.level("G2.1"), f.n("G2.2"), who.contact, who.places[0])
		challenges = "Case data from prosecutors and courts still reach the Focal Point late and partly on paper."
		support = "Analytical software and training for the Focal Point's analysts."
	case "G3":
		progress = fmt.Sprintf("%s and customs seized %s firearms (%s at the border, %s inland) and %s rounds of ammunition; the largest seizure was near %s.",
			who.police, f.n("G3.1"), f.n("G3.1/border"), f.n("G3.1/inland"), f.n("G3.2"), place)
		challenges = fmt.Sprintf("Parcels sent by post and converted alarm weapons are a growing route; the crossing at %s lacks scanners.", who.places[3])
		support = fmt.Sprintf("Scanning equipment for %s and joint training of border police and customs.", who.places[3])
	case "G4":
		progress = fmt.Sprintf("%s awareness activities were held, among them the campaign „%s“ in %s; %s officials were trained, %s of them women.",
			f.n("G4.1"), who.campaign, place, f.n("G4.2"), f.n("G4.2/female"))
		challenges = "Women remain under-represented in specialised police and customs units."
		support = fmt.Sprintf("Funding for the next round of „%s“ in secondary schools.", who.campaign)
	case "G5":
		progress = fmt.Sprintf("The police recorded %s firearm incidents, in which %s persons were killed or injured (%s women); %s firearms were surrendered or legalised.",
			f.n("G5.2"), f.n("G5.3"), f.n("G5.3/female"), f.n("G5.1"))
		challenges = fmt.Sprintf("Celebratory shooting at weddings and holidays around %s still causes injuries.", place)
		support = "Support for a voluntary surrender campaign and for recording victims by sex."
	case "G6":
		progress = fmt.Sprintf("%s weapons were destroyed at %s (%s from surplus stocks), together with %s tonnes of ammunition.",
			f.n("G6.1"), who.depot, f.n("G6.1/surplus"), f.n("G6.2"))
		challenges = "Seized weapons wait for final court decisions before they can be destroyed."
		support = fmt.Sprintf("Cutting and smelting equipment for the facility at %s.", who.depot)
	case "G7":
		progress = fmt.Sprintf("%s %% of storage sites meet the security standards; the upgrade programme is at %q.",
			f.n("G7.1"), f.level("G7.2"))
		challenges = fmt.Sprintf("%s weapons were reported stolen or lost from state stocks; inventories at %s are being digitised.",
			f.n("G7.3"), who.depot)
		support = "Intruder detection and fire suppression for the remaining sites."
	default:
		f.ok = false
	}
	if !f.ok {
		progress = fmt.Sprintf("%s reports steady work on goal %d in %s, reviewed at the local meeting in %s.",
			who.institution, g.Number, label, who.places[0])
		challenges = "Coordination between institutions takes time."
		support = "Continued regional exchange of practice."
	}
	return progress, challenges, support
}

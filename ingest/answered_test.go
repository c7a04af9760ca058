package ingest

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// answers records what Intake.Answered was told, and checks at each call
// that the file's feedback is written and the file is still in the inbox.
type answers struct {
	e    *intakeEnv
	mu   sync.Mutex
	told map[string][]int64 // inbox file → the submission ids it was told
	fail map[string]bool    // inbox files whose next answer fails
}

func (a *answers) hook(ctx context.Context, o Outcome) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.e.exists("inbox/" + o.File) {
		a.e.t.Errorf("%s: answered after it left the inbox", o.File)
	}
	if len(o.Feedback) == 0 {
		a.e.t.Errorf("%s: answered without feedback", o.File)
	}
	for _, f := range o.Feedback {
		if !a.e.exists(f) {
			a.e.t.Errorf("%s: answered before its feedback %s was written", o.File, f)
		}
	}
	if o.Submission == nil {
		a.e.t.Errorf("%s: answered without its submission", o.File)
		return nil
	}
	a.told[o.File] = append(a.told[o.File], o.Submission.ID)
	if a.fail[o.File] {
		a.fail[o.File] = false
		return errors.New("the outbox is busy")
	}
	return nil
}

// TestAnswerNeverLost: the sender's answer (the receipt the program records
// for delivery) is given before the file leaves the inbox, so that neither
// a failure to record it nor a crash right after it loses it: the file stays
// in the inbox and the next pass gives the same answer again.
func TestAnswerNeverLost(t *testing.T) {
	t.Parallel()
	files := []struct{ src, folder, name string }{
		{validSample("AL", "2026-H1"), "AL", "report.xlsx"},
		{filepath.Join(intakeSamples, "broken", "negative-count.xlsx"), "AL", "broken.xlsx"},
	}

	t.Run("a failure to record it", func(t *testing.T) {
		t.Parallel()
		e := newIntakeEnv(t)
		for _, f := range files {
			e.drop(f.src, f.folder, f.name)
		}
		a := &answers{e: e, told: map[string][]int64{}, fail: map[string]bool{"AL/report.xlsx": true}}
		e.in.Answered = a.hook
		sum, err := e.in.Pass(intakeCtx)
		if err == nil || !strings.Contains(err.Error(), "AL/report.xlsx: the file stays in the inbox, its answer could not be recorded: the outbox is busy") {
			t.Fatalf("first pass: %v", err)
		}
		if len(sum.Outcomes) != 1 || sum.Outcomes[0].File != "AL/broken.xlsx" || !e.exists("inbox/AL/report.xlsx") || e.exists("inbox/AL/broken.xlsx") {
			t.Fatalf("first pass: %+v; inbox %v", sum.Outcomes, e.files("inbox"))
		}
		sum = e.pass()
		if len(sum.Outcomes) != 1 || !sum.Outcomes[0].Resumed || sum.Outcomes[0].File != "AL/report.xlsx" {
			t.Fatalf("second pass: %+v", sum.Outcomes)
		}
		if told := a.told["AL/report.xlsx"]; len(told) != 2 || told[0] != told[1] {
			t.Errorf("the report was answered for submissions %v, want the same one twice", told)
		}
		if told := a.told["AL/broken.xlsx"]; len(told) != 1 {
			t.Errorf("the broken file was answered %d times, want once", len(told))
		}
		e.assertTakenOnce(files)
	})

	t.Run("a crash after it", func(t *testing.T) {
		t.Parallel()
		e := newIntakeEnv(t)
		for _, f := range files {
			e.drop(f.src, f.folder, f.name)
		}
		a := &answers{e: e, told: map[string][]int64{}}
		e.in.Answered = a.hook
		e.crashingPass(t, stepFeedback)
		e.openLedger() // a restarted process
		e.in.Answered = a.hook
		e.pass()
		for _, f := range files {
			if told := a.told[f.folder+"/"+f.name]; len(told) != 2 || told[0] != told[1] {
				t.Errorf("%s was answered for submissions %v, want the same one before the crash and after", f.name, told)
			}
		}
		e.assertTakenOnce(files)
	})
}

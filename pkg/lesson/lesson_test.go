package lesson

import (
	"strings"
	"testing"
	"time"
)

func TestQuickAndPick(t *testing.T) {
	for value, want := range map[string]bool{"": false, "0": false, "false": false, "1": true, "yes": true} {
		t.Setenv(QuickEnv, value)
		if Quick() != want {
			t.Errorf("%s=%q: Quick() = %v, want %v", QuickEnv, value, Quick(), want)
		}
	}
	t.Setenv(QuickEnv, "1")
	if Pick(20, 1) != 1 {
		t.Error("Pick in quick mode should return the quick value")
	}
	t.Setenv(QuickEnv, "")
	if Pick("full", "tiny") != "full" {
		t.Error("Pick in normal mode should return the normal value")
	}
}

func TestTableRendersTextAndEscapedHTML(t *testing.T) {
	tab := Table{Title: "Results", Headers: []string{"lr", "test acc"}}
	tab.AddRow(0.01, "69.00 %")
	tab.AddRow("<b>", 1)
	text := tab.String()
	if !strings.Contains(text, "lr    test acc") || !strings.Contains(text, "0.01  69.00 %") {
		t.Errorf("text table not aligned:\n%s", text)
	}
	if strings.Contains(text, " \n") {
		t.Errorf("text table has trailing spaces:\n%q", text)
	}
	h := tab.HTML()
	if !strings.Contains(h, "<th>test acc</th>") || !strings.Contains(h, "<td>&lt;b&gt;</td>") || strings.Contains(h, "<td><b></td>") {
		t.Errorf("bad HTML: %s", h)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	path := t.TempDir() + "/sub/r.json"
	type rec struct{ A float64 }
	if err := WriteJSON(path, rec{A: 0.25}); err != nil {
		t.Fatal(err)
	}
	var got rec
	if err := ReadJSON(path, &got); err != nil || got.A != 0.25 {
		t.Fatalf("got %+v, %v", got, err)
	}
	if err := ReadJSON(t.TempDir()+"/missing.json", &got); err == nil {
		t.Fatal("missing file gave no error")
	}
}

func TestProgressReporterRunsAFullEpochInATerminal(t *testing.T) {
	report := ProgressReporter("test")
	for step := 1; step <= 3; step++ {
		report(Progress{Epoch: 1, Epochs: 1, Step: step, Steps: 3, Loss: 1 / float64(step)})
	}
}

// TestProgressInALogIsALineEverySoOften: without a terminal, 3 epochs of 1000 steps of 50 ms
// (150 s) give one plain line per 15 s, no carriage-return frames.
func TestProgressInALogIsALineEverySoOften(t *testing.T) {
	var log strings.Builder
	clock := time.Unix(0, 0)
	report := logProgress(&log, "cnn", 15*time.Second, func() time.Time { return clock })
	for epoch := 1; epoch <= 3; epoch++ {
		for step := 1; step <= 1000; step++ {
			clock = clock.Add(50 * time.Millisecond)
			report(Progress{Epoch: epoch, Epochs: 3, Step: step, Steps: 1000, Loss: 0.5})
		}
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 10 || strings.Contains(log.String(), "\r") || lines[0] != "cnn epoch 1/3: step 300/1000, loss 0.5000" {
		t.Errorf("%d lines (want 10 of 150 s), first %q:\n%s", len(lines), lines[0], log.String())
	}
}

package seq2seq

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/runstore"
)

// TestCommittedCourseModelsScoreAsRecorded loads the committed course models with the course
// data built into the module and decodes the test split greedily: the vocabularies must match
// the ones they were trained with (Load checks every token), and the scores must be the
// ones the command recorded in results/seq2seq (measured identical to the last digit here; the
// tolerance only allows for another machine's floating-point summation order).
func TestCommittedCourseModelsScoreAsRecorded(t *testing.T) {
	data, err := datasets.LoadP2G(datasets.CourseP2GName)
	if err != nil {
		t.Fatal(err)
	}
	be := backend.MustDefault()
	committed := runstore.Results{Root: filepath.Join("..", "..", "..", "results")}.Seq2Seq(data.Kind)
	for _, name := range []string{"vanilla", "attention"} {
		m, _, err := Load(committed.Model(name), data)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := m.NewDecoder(be)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Evaluate(dec, data, Decoding{Kind: "greedy"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := &Result{}
		if err := lesson.ReadJSON(committed.Record(name, string(Greedy)), want); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s greedy: CER %.4f WER %.3f (recorded %.4f %.3f)", name, got.TestCER, got.TestWER, want.TestCER, want.TestWER)
		if math.Abs(got.TestCER-want.TestCER) > 1e-3 || math.Abs(got.TestWER-want.TestWER) > 2e-3 {
			t.Errorf("%s greedy: CER %.4f WER %.3f, recorded %.4f %.3f", name, got.TestCER, got.TestWER, want.TestCER, want.TestWER)
		}
	}
}

package main

import (
	"os"
	"reflect"
	"testing"

	"github.com/dllessons/dllessons/pkg/backend"
	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/models/cnn"
)

// TestCNNCommandAndLessonWriteTheSameRecords runs `dllessons cnn train` and the call lesson 3
// makes (cnn.Run with the course's experiment on a budget) on the same tiny budget: the
// records must agree in everything but wall-clock times.
func TestCNNCommandAndLessonWriteTheSameRecords(t *testing.T) {
	if _, err := os.Stat(datasets.FashionMNISTDir); err != nil {
		t.Skipf("dataset-fashion-mnist not installed: %v", err)
	}
	cliOut, lessonOut := t.TempDir(), t.TempDir()
	if err := cnnTrain([]string{"--out", cliOut, "--bn", "--lr", "0.01", "--epochs", "1", "--subset", "16"}); err != nil {
		t.Fatal(err)
	}
	data, err := datasets.LoadImages("", 42)
	if err != nil {
		t.Fatal(err)
	}
	exp := cnn.CourseExperiment()
	exp.Runs = []cnn.RunSpec{{Variant: cnn.Variant{BatchNorm: true}, LearningRate: 0.01}}
	exp.Budget = cnn.SweepBudget{TrainImages: 16, Epochs: 1}
	exp.Checkpoints, exp.Resume = false, false
	lessonRecords := cnn.NewRecords(lessonOut)
	if _, err := cnn.Run(backend.MustDefault(), data, exp, lessonRecords.Store); err != nil {
		t.Fatal(err)
	}
	name := exp.Runs[0].Name()
	want := cnnRecordWithoutClock(t, lessonRecords.Store.Record(name))
	got := cnnRecordWithoutClock(t, cnnFlagsStore(t, cliOut, data).Record(name))
	if !reflect.DeepEqual(want, got) {
		t.Errorf("the command wrote\n%v\nthe lesson\n%v", got, want)
	}
}

func cnnFlagsStore(t *testing.T, out string, data *datasets.Images) interface{ Record(string) string } {
	t.Helper()
	f, err := parseCNNFlags("test", []string{"--out", out, "--subset", "16"})
	if err != nil {
		t.Fatal(err)
	}
	return f.store(data)
}

// cnnRecordWithoutClock reads a CNN record without its wall-clock fields.
func cnnRecordWithoutClock(t *testing.T, path string) map[string]any {
	t.Helper()
	var rec map[string]any
	if err := lesson.ReadJSON(path, &rec); err != nil {
		t.Fatal(err)
	}
	delete(rec, "seconds_per_step")
	for _, e := range rec["history"].([]any) {
		delete(e.(map[string]any), "seconds")
		delete(e.(map[string]any), "train_seconds")
	}
	return rec
}

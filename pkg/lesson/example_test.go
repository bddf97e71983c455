package lesson_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dllessons/dllessons/pkg/lesson"
)

// Must turns a (value, error) call into a value for notebook cells: an error panics with its
// message, which the notebook shows.
func ExampleMust() {
	n := lesson.Must(strconv.Atoi("42"))
	fmt.Println(n + 1)
	// Output: 43
}

// RunDir gives each lesson run its own folder: one per notebook kernel (GoNB's GONB_TMP_DIR),
// shared by the kernel's cells.
func ExampleRunDir() {
	dir := lesson.Must(lesson.RunDir("03-cnn"))
	fmt.Println(filepath.Base(dir)) // dllessons-03-cnn, inside the kernel's own folder
}

// A Table prints as aligned text outside a notebook (String) and as an HTML table in one
// (Show). AddRow formats floats with %.4g; format them yourself for another precision.
func ExampleTable() {
	t := lesson.Table{Title: "Learning rates", Headers: []string{"η", "test accuracy"}}
	t.AddRow(0.1, "93.70 %")
	t.AddRow(0.01, "90.12 %")
	fmt.Print(t.String())
	// Output:
	// Learning rates
	// η     test accuracy
	// ----  -------------
	// 0.1   93.70 %
	// 0.01  90.12 %
}

// Check is Must for calls that return only an error.
func ExampleCheck() {
	dir := lesson.Must(os.MkdirTemp("", "dllessons-example"))
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "results", "seq2seq.json") // WriteJSON makes the folder
	lesson.Check(lesson.WriteJSON(path, map[string]float64{"cer": 0.2103}))
	var back map[string]float64
	lesson.Check(lesson.ReadJSON(path, &back))
	fmt.Println(back["cer"])
	// Output: 0.2103
}

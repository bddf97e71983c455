package lesson_test

import (
	"fmt"
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

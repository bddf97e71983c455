package source_test

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/source"
)

// Show prints the declarations as they are in the module's files (in a notebook: as Markdown),
// so a lesson shows the code that runs.
func ExampleShow() {
	source.Show("pkg/source", "Snippet.Caption")
	// Output:
	// `pkg/source/source.go · method Snippet.Caption`
	//
	// ```go
	// // Caption is the line shown above the code: its file and declaration.
	// func (s Snippet) Caption() string {
	// 	return fmt.Sprintf("%s · %s %s", s.File, s.Kind, s.Name)
	// }
	// ```
}

// Find returns a declaration without showing it; a missing name is an error that says so.
func ExampleFind() {
	s, err := source.Find("pkg/metrics", "WER")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Caption())
	// Output: pkg/metrics/metrics.go · func WER
}

package runstore_test

import (
	"fmt"

	"github.com/dllessons/dllessons/pkg/models/runstore"
)

// The committed results folder and the paths of one CNN run and one seq2seq model in it.
func ExampleResults() {
	results := runstore.Results{Root: "results"}
	fmt.Println(results.CNN("fashion-mnist").Record("cnn-bn-lr0.01"))
	fmt.Println(results.Seq2Seq("course").Record("attention", "greedy"))
	fmt.Println(results.Seq2Seq("course").Heatmaps("attention") + ".svg")
	// Output:
	// results/cnn/fashion-mnist/cnn-bn-lr0.01.json
	// results/seq2seq/course-attention-greedy.json
	// results/seq2seq/course-attention-heatmaps.svg
}

// A command run on a subset of the training images is kept in its own folder.
func ExampleSubsetKind() {
	fmt.Println(runstore.NewCNN("results/cnn", runstore.SubsetKind("fashion-mnist", 500)).Record("cnn-lr0.01"))
	// Output: results/cnn/fashion-mnist-subset500/cnn-lr0.01.json
}

// Package source shows the real Go source of the project's functions in the lessons: a
// declaration is looked up by name in the module's files and rendered, with its doc comment, as
// a Markdown code block under its path. What a lesson shows is read from the code that runs, so
// the two cannot drift; a test resolves every snippet the lessons ask for.
//
// Main entry points: Show renders declarations of one package in a notebook cell, e.g.
// `source.Show("pkg/hopfield", "EnergyNode", "Net.Iterate")`; SideBySide puts two next to each
// other; Find and FindIn return a Snippet (its code, caption and Markdown) without showing it.
package source

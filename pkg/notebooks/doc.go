// Package notebooks executes the lesson notebooks headless with the GoNB kernel, writes the
// executed copies and their HTML, and fails on any error they show — including the runtime
// panics that GoNB reports as successful cells (only their stderr tells).
//
// Main entry points: Run executes the selected lessons (Select) with Options and returns one
// Result per notebook; WriteIndex links the HTML copies. Parse reads a notebook, whose Problems,
// FigureProblems and ExpectedFigures (the "dllessons": {"figures": N} metadata) the runner, the
// hygiene test and the browser test share. KernelEnv and PatchKernelSpec give the GoNB kernel the
// project's build settings. The CLI's `dllessons notebooks run` calls Run.
package notebooks

// Package exercises checks the learners' answers in the lessons. Each exercise has a checker
// that runs the learner's function against the project's reference implementation on random
// and edge-case inputs and reports ✓, or ✗ with the first failing input, what was expected, what
// came back and a hint. A stub still marked as unwritten (panic(exercises.NotYet)) reports
// "not yet". A wrong, panicking, non-terminating or NaN-returning answer is a clear ✗: the
// checker recovers panics and gives every call a time limit, so a cell never crashes.
//
// Main entry points: one Check function per exercise (CheckSoftmax, CheckEnergy, CheckGradient,
// CheckCCCPStep for lesson 1; CheckAttention, CheckHopfieldByAttention, CheckSeparationGap,
// CheckCausalSelfAttention for lesson 2; CheckConvParams, CheckIm2Col, CheckBatchNorm,
// CheckReceptiveField for lesson 3; CheckLevenshtein, CheckNucleusSet, CheckLSTMStep,
// CheckBeamStep for lesson 4), each returning a Result that a cell shows with Result.Show, and
// Summary, the table of a lesson's exercises. A notebook cell reads
//
//	exercises.CheckSoftmax(Softmax).Show()
package exercises

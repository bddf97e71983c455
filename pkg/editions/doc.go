// Package editions makes the two builds of the lessons from one source. The lessons hold their
// exercises' solutions between "// BEGIN SOLUTION" and "// END SOLUTION" lines in code cells,
// and worked solutions of proof exercises between "<!-- BEGIN SOLUTION -->" and
// "<!-- END SOLUTION -->" lines in Markdown cells. The teacher edition keeps them; the student
// edition replaces each code solution by a stub that panics with exercises.NotYet (its checker
// then says "not yet"), each worked solution by a prompt, and clears the outputs of the cells
// that held or checked a solution.
//
// Main entry points: Build writes one edition of every lesson of a folder, Transform makes one
// notebook's edition, Verify lists what is wrong with an edition's notebook, and ParseEdition
// reads "teacher" or "student".
package editions

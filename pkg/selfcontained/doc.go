// Package selfcontained holds the tests that the module needs nothing outside itself: no code
// path names the shared reference folder that sat beside the module on the authors' machine or
// climbs out of the module root, and the lessons' default data resolves to what the module
// carries even when a decoy folder sits beside a copy of it.
package selfcontained

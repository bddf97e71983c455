// Package course embeds the course's phoneme-to-spelling data (IST Deep Learning 2024/25,
// Homework 2, Question 3: English words from WikiPron, derived from Wiktionary), byte-identical
// to the course files; SOURCE.txt gives their provenance and checksums, README.md the licence
// (CC BY-SA, attribution to the Wiktionary contributors and WikiPron).
//
// Read it through datasets.LoadP2G (the default) or datasets.CourseP2G; Files is the raw embedded
// folder.
package course

// Command dllessons runs the lessons' experiments without Jupyter (long runs, full reproduction,
// results as JSON under results/ and figures) and executes the lesson notebooks headless.
//
//	dllessons hopfield ...                    Hopfield energy, CCCP and attention experiments
//	dllessons cnn train|test|params|bench     CNN on 48x48 images, with and without batch norm
//	dllessons seq2seq train|test|tune-p|bench phoneme-to-spelling seq2seq
//	dllessons notebooks run [NAME...]         execute the lessons headless into out/ (and HTML)
//	dllessons screenshots [NAME...]           check executed lessons in Chromium, save screenshots
//	dllessons exercises student|teacher DIR   write the lessons' student or teacher edition
//	dllessons setup kernel                    put the build settings in GoNB's kernel spec
//
// Run a subcommand with -h for its flags. Every subcommand lives in its own file and registers
// itself in init(); the work is done by the packages under pkg/, which the notebooks call too.
package main

// Package runstore is the layout of the results folders: every path and file name that the CNN
// and seq2seq experiments write or read is built here and nowhere else. A store is rooted at a
// folder the caller names (the command's --out, a notebook's run folder, the module's results/);
// nothing here looks at the working directory.
//
// The model packages wrap these paths in typed handles (cnn.Records, seq2seq.Records) that read
// and write their records; notebooks use those handles, never file names.
package runstore

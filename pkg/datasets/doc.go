// Package datasets loads the lessons' data sets.
//
// The image data sets (this file and images_*.go) all end up as the same thing: 48×48 RGB
// images stored channels-last (N×H×W×C, the layout of the course's npz file) as bytes, with
// integer labels 0..5, split into train, validation and test. Pixels become float32 only per
// batch (byte/256, as the course does), which keeps a full split at ~87 MB instead of ~350 MB.
//
// Main entry points:
//
//   - Images (lesson 3): LoadImages picks the course's npz file, the Kaggle folder layout or
//     Fashion-MNIST (LoadNpz, LoadKaggleDir, LoadFashionMNIST); an Images holds the train,
//     validation and test ImageSet, which fill float32 batches (ImageSet.FillBatch).
//   - Phoneme-to-spelling (lesson 4): LoadP2G loads the course data (CourseP2G, the default),
//     the built-in CMUdict set (BuiltinP2G) or a folder of TSV files; ParseP2G and ReadP2GFile
//     read one split with errors naming file and line; ShuffledBatches and Chunks make batches.
package datasets

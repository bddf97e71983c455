// Package plots draws the lessons' figures with gonum/plot and shows them in GoNB as SVG and
// PNG together (so every frontend shows them, trusted or not, and they survive saving the
// notebook and need no CDN) or writes them to files for the CLI.
//
// Main entry points:
//
//   - Figure: one figure as SVG and PNG; Figure.Show displays it in a notebook (or prints a note
//     elsewhere), Figure.Save writes it. Render draws any painting function as a Figure.
//   - Lines (line plots with a legend beside the data) and EnergyMap (a 2-D landscape with
//     contours, a colour bar and paths) build gonum plots; PlotFigure turns one into a Figure,
//     Show and Save do that and display or write it.
//   - Figures drawn directly: ConfusionFigure, AttentionFigure, ImageGrid.Figure.
//   - Palette and Color: the shared Okabe–Ito colours.
package plots

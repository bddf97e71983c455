package seq2seq

import (
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/dllessons/dllessons/pkg/datasets"
	"github.com/dllessons/dllessons/pkg/plots"
)

// NucleusView is what the lesson's nucleus explorer shows for one word: the distribution of
// its first character at temperature T, the nucleus of that distribution at p, and k
// spellings sampled with the same p and T.
type NucleusView struct {
	Word        datasets.P2GExample
	TopP, Temp  float64
	Chars       []string  // the first character's candidates, most likely first
	Probs       []float64 // their probabilities at temperature Temp
	NucleusSize int       // how many of the first Chars form the nucleus
	Samples     []string
}

// exploreBars is how many candidates of the first character the figure shows at most.
const exploreBars = 16

// ExploreNucleus decodes word i of split k times with nucleus sampling at topP after dividing
// the log-probabilities by temperature, and returns the view of it. Row j uses its own
// generator seeded by (seed, j), so the same values give the same samples.
func (d *Decoder) ExploreNucleus(data *datasets.P2GData, split *datasets.P2GSplit, i int, topP, temperature float64, k int, seed uint64) (*NucleusView, error) {
	if !(topP > 0 && topP <= 1) || !(temperature > 0) || k < 1 || k > d.WordsPerCall || i < 0 || i >= split.Len() {
		return nil, fmt.Errorf("nucleus explorer needs 0 < p ≤ 1, T > 0, 1 ≤ k ≤ %d and a word of the %s split (0…%d); got p=%g, T=%g, k=%d, word %d",
			d.WordsPerCall, split.Name, split.Len()-1, topP, temperature, k, i)
	}
	one := &datasets.P2GSplit{Name: split.Name, Path: split.Path, Examples: split.Examples[i : i+1]}
	rows := repeatEach([]int{0}, k)
	b := data.Batch(one, rows, d.WordsPerCall*k, 0, 0)
	rngs := make([]*rand.Rand, k)
	for r := range rngs {
		rngs[r] = rand.New(rand.NewPCG(seed, uint64(r)))
	}
	view := &NucleusView{Word: split.Examples[i], TopP: topP, Temp: temperature}
	seqs := newSequences(b.Size)
	_, err := d.decodeBatch(b, func(t int, logProbs [][]float32) ([]int32, []int32, bool) {
		next := make([]int32, len(logProbs))
		for r, lp := range logProbs {
			if r >= k {
				next[r] = datasets.EOS
				continue
			}
			maskSpecials(lp)
			for j := range lp {
				lp[j] = float32(float64(lp[j]) / temperature)
			}
			if t == 0 && r == 0 {
				view.firstStep(data, lp)
			}
			next[r] = int32(NucleusSample(lp, topP, rngs[r].Float64()))
		}
		return next, identity(len(next)), seqs.extend(next)
	}, false)
	if err != nil {
		return nil, err
	}
	for r := range k {
		view.Samples = append(view.Samples, data.Chars.DecodeChars(seqs.tokens[r]))
	}
	return view, nil
}

// firstStep records the first character's distribution (log-probabilities at the temperature).
func (v *NucleusView) firstStep(data *datasets.P2GData, logProbs []float32) {
	ids, _ := NucleusSet(logProbs, v.TopP)
	v.NucleusSize = len(ids)
	order := make([]int, len(logProbs))
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(a, b int) bool { return logProbs[order[a]] > logProbs[order[b]] })
	maxLP, total := float64(logProbs[order[0]]), 0.0
	for _, lp := range logProbs {
		total += math.Exp(float64(lp) - maxLP)
	}
	for _, id := range order[:min(len(order), exploreBars)] {
		p := math.Exp(float64(logProbs[id])-maxLP) / total
		if p == 0 {
			break
		}
		v.Chars = append(v.Chars, charLabel(data, id))
		v.Probs = append(v.Probs, p)
	}
}

// charLabel names a target token for the figure's axis.
func charLabel(data *datasets.P2GData, id int) string {
	switch id {
	case datasets.EOS:
		return "end"
	case datasets.UNK:
		return "?"
	}
	return data.Chars.Tokens[id]
}

// Figure draws the first character's distribution as bars, the nucleus in colour and the rest
// in grey, with the k samples in the title.
func (v *NucleusView) Figure() (*plots.Figure, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("First character of /%s/ (%s)\np = %g, T = %g: a nucleus of %d characters\n%d samples: %s",
		strings.Join(v.Word.Phones, " "), v.Word.Spelling, v.TopP, v.Temp, v.NucleusSize, len(v.Samples), strings.Join(v.Samples, " · "))
	p.X.Label.Text, p.Y.Label.Text = "candidate first character", "probability at temperature T"
	p.Add(plotter.NewGrid())
	in := min(v.NucleusSize, len(v.Probs))
	for part, span := range [][2]int{{0, in}, {in, len(v.Probs)}} {
		if span[0] == span[1] {
			continue
		}
		values := make(plotter.Values, len(v.Probs))
		copy(values[span[0]:span[1]], v.Probs[span[0]:span[1]])
		bars, err := plotter.NewBarChart(values, vg.Points(8))
		if err != nil {
			return nil, err
		}
		bars.LineStyle.Width = 0
		bars.Color = plots.Color(0)
		name := "in the nucleus"
		if part == 1 {
			bars.Color, name = color.Gray{Y: 180}, "outside it"
		}
		p.Add(bars)
		p.Legend.Add(name, bars)
	}
	p.NominalX(v.Chars...)
	p.Y.Min = 0
	p.Legend.Top = true
	return plots.PlotFigure(p)
}

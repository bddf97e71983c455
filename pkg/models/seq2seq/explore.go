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
// the next character at temperature T where the greedy spelling is least sure (the step of
// highest entropy), the nucleus of that distribution at p, and k spellings sampled with the
// same p and T.
type NucleusView struct {
	Word        datasets.P2GExample
	TopP, Temp  float64
	Greedy      string    // the greedy spelling
	Prefix      string    // the greedy spelling before the step shown
	Chars       []string  // the next character's candidates, most likely first
	Probs       []float64 // their probabilities at temperature Temp
	NucleusSize int       // how many of the first Chars form the nucleus
	Samples     []string
}

// exploreBars is how many candidates of the first character the figure shows at most.
const exploreBars = 16

// ExploreNucleus decodes word i of split k times with nucleus sampling at topP after dividing
// the log-probabilities by temperature, and once greedily, and returns the view of it. Row j
// uses its own generator seeded by (seed, j), so the same values give the same samples.
func (d *Decoder) ExploreNucleus(data *datasets.P2GData, split *datasets.P2GSplit, i int, topP, temperature float64, k int, seed uint64) (*NucleusView, error) {
	if !(topP > 0 && topP <= 1) || !(temperature > 0) || k < 1 || k > d.WordsPerCall || i < 0 || i >= split.Len() {
		return nil, fmt.Errorf("nucleus explorer needs 0 < p ≤ 1, T > 0, 1 ≤ k ≤ %d and a word of the %s split (0…%d); got p=%g, T=%g, k=%d, word %d",
			d.WordsPerCall, split.Name, split.Len()-1, topP, temperature, k, i)
	}
	one := &datasets.P2GSplit{Name: split.Name, Path: split.Path, Examples: split.Examples[i : i+1]}
	rows := repeatEach([]int{0}, k+1) // k samples, then the greedy row
	b := data.Batch(one, rows, k+1, 0, 0)
	rngs := make([]*rand.Rand, k)
	for r := range rngs {
		rngs[r] = rand.New(rand.NewPCG(seed, uint64(r)))
	}
	var greedySteps [][]float32 // the greedy row's scaled log-probabilities at each step
	seqs := newSequences(b.Size)
	_, err := d.decodeBatch(b, func(t int, logProbs [][]float32) ([]int32, []int32, bool) {
		next := make([]int32, len(logProbs))
		for r, lp := range logProbs {
			if r > k {
				next[r] = datasets.EOS
				continue
			}
			maskSpecials(lp)
			for j := range lp {
				lp[j] = float32(float64(lp[j]) / temperature)
			}
			if r < k {
				next[r] = int32(NucleusSample(lp, topP, rngs[r].Float64()))
				continue
			}
			next[r] = argmax(lp)
			if !seqs.ended[r] {
				greedySteps = append(greedySteps, append([]float32(nil), lp...))
			}
		}
		return next, identity(len(next)), seqs.extend(next)
	}, false)
	if err != nil {
		return nil, err
	}
	view := &NucleusView{Word: split.Examples[i], TopP: topP, Temp: temperature, Greedy: data.Chars.DecodeChars(seqs.tokens[k])}
	for r := range k {
		view.Samples = append(view.Samples, data.Chars.DecodeChars(seqs.tokens[r]))
	}
	step := leastSure(greedySteps)
	view.Prefix = data.Chars.DecodeChars(seqs.tokens[k][:step])
	view.distribution(data, greedySteps[step])
	return view, nil
}

// leastSure is the step whose distribution has the highest entropy.
func leastSure(steps [][]float32) int {
	best, bestH := 0, -1.0
	for t, lp := range steps {
		_, probs := NucleusSet(lp, 1)
		h := 0.0
		for _, p := range probs {
			if p > 0 {
				h -= p * math.Log(p)
			}
		}
		if h > bestH {
			best, bestH = t, h
		}
	}
	return best
}

// distribution records the shown step's distribution (log-probabilities at the temperature).
func (v *NucleusView) distribution(data *datasets.P2GData, logProbs []float32) {
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

// Figure draws the shown step's distribution as bars, the nucleus in colour and the rest in
// grey, with the k samples in the title.
func (v *NucleusView) Figure() (*plots.Figure, error) {
	p := plot.New()
	lines := []string{
		fmt.Sprintf("/%s/ (%s): the character after “%s”", strings.Join(v.Word.Phones, " "), v.Word.Spelling, v.Prefix),
		fmt.Sprintf("p = %g, T = %g: a nucleus of %d characters", v.TopP, v.Temp, v.NucleusSize),
		"greedy: " + v.Greedy,
	}
	for i := 0; i < len(v.Samples); i += 3 {
		label := "samples: "
		if i > 0 {
			label = ""
		}
		lines = append(lines, label+strings.Join(v.Samples[i:min(i+3, len(v.Samples))], " · "))
	}
	p.Title.Text = strings.Join(lines, "\n")
	p.X.Label.Text, p.Y.Label.Text = "candidate next character", "probability at temperature T"
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

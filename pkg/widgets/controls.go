package widgets

import (
	"flag"
	"fmt"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Control is one input of an interactive figure: a slider or a selector. Its value starts as
// its cell flag says (`%% --beta=4`), or its default, and follows the learner's moves when a
// widget front-end runs.
type Control interface {
	// Name is the control's flag and its key in the messages from the front-end.
	Name() string
	// String is "label = value", as the cell prints it.
	String() string
	// flagValue is the value as its cell flag takes it.
	flagValue() string
	set(value string) error
	check() error
	html(id string) string
}

// Float is a slider over a range of numbers.
type Float struct {
	name, label    string
	min, max, step float64
	value          float64
}

// Slider is a slider named name (its cell flag: --name=value) from min to max in steps of
// step, starting at value. Call it in a declaration above the cell's %% line (`var beta =
// widgets.Slider(…)`) so that GoNB's flag.Parse knows the flag.
func Slider(name, label string, value, min, max, step float64) *Float {
	return newSlider(flag.CommandLine, name, label, value, min, max, step)
}

func newSlider(flags *flag.FlagSet, name, label string, value, min, max, step float64) *Float {
	f := &Float{name: name, label: label, min: min, max: max, step: step, value: value}
	flags.Func(name, fmt.Sprintf("%s, from %g to %g (default %g)", label, min, max, value), f.set)
	return f
}

// Value is the slider's current value.
func (f *Float) Value() float64 { return f.value }

// Name is the slider's flag.
func (f *Float) Name() string { return f.name }

func (f *Float) String() string { return f.label + " = " + f.flagValue() }

func (f *Float) flagValue() string { return strconv.FormatFloat(f.value, 'g', -1, 64) }

func (f *Float) set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("--%s=%q is not a number: give e.g. --%s=%g", f.name, s, f.name, f.value)
	}
	if err := f.inRange(v); err != nil {
		return err
	}
	f.value = v
	return nil
}

func (f *Float) check() error { return f.inRange(f.value) }

func (f *Float) inRange(v float64) error {
	if v < f.min || v > f.max {
		return fmt.Errorf("--%s=%g is outside the slider's range %g…%g: pick a value inside it", f.name, v, f.min, f.max)
	}
	return nil
}

func (f *Float) html(id string) string {
	return fmt.Sprintf(`<label style="margin-right:1.5em;display:inline-block">%s <input type="range" data-control="%s" id="%s" min="%g" max="%g" step="%g" value="%g" style="vertical-align:middle;display:inline-block"> <b data-shows="%[2]s">%[7]g</b></label>`,
		html.EscapeString(f.label), f.name, id, f.min, f.max, f.step, f.value)
}

// Choice is a selector among named options.
type Choice struct {
	name, label string
	options     []string
	value       string
}

// Select is a selector named name (its cell flag: --name=option) among options, starting at
// value. Declare it above the cell's %% line, as Slider.
func Select(name, label string, options []string, value string) *Choice {
	return newSelect(flag.CommandLine, name, label, options, value)
}

func newSelect(flags *flag.FlagSet, name, label string, options []string, value string) *Choice {
	c := &Choice{name: name, label: label, options: options, value: value}
	flags.Func(name, fmt.Sprintf("%s: one of %s (default %q)", label, strings.Join(options, ", "), value), c.set)
	return c
}

// Value is the option chosen.
func (c *Choice) Value() string { return c.value }

// Index is the position of the option chosen among the options.
func (c *Choice) Index() int { return slices.Index(c.options, c.value) }

// Name is the selector's flag.
func (c *Choice) Name() string { return c.name }

func (c *Choice) String() string { return c.label + " = " + c.value }

func (c *Choice) flagValue() string {
	if strings.ContainsAny(c.value, " \"'") {
		return strconv.Quote(c.value)
	}
	return c.value
}

func (c *Choice) set(s string) error {
	if err := c.known(s); err != nil {
		return err
	}
	c.value = s
	return nil
}

func (c *Choice) check() error { return c.known(c.value) }

func (c *Choice) known(s string) error {
	if !slices.Contains(c.options, s) {
		return fmt.Errorf("--%s=%q is none of the options: use one of %q", c.name, s, c.options)
	}
	return nil
}

func (c *Choice) html(id string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<label style="margin-right:1.5em;display:inline-block">%s <select data-control="%s" id="%s">`, html.EscapeString(c.label), c.name, id)
	for _, o := range c.options {
		selected := ""
		if o == c.value {
			selected = " selected"
		}
		fmt.Fprintf(&b, `<option value="%s"%s>%s</option>`, html.EscapeString(o), selected, html.EscapeString(o))
	}
	b.WriteString(`</select></label>`)
	return b.String()
}

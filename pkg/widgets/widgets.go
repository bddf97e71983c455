package widgets

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/dllessons/dllessons/pkg/lesson"
	"github.com/dllessons/dllessons/pkg/plots"
)

// idle is how long live controls wait for a move before the cell ends (a cell flag too:
// `%% --widget_idle=5m`). Quick mode, which the browser tests use, keeps Run All short.
var idle = lesson.Pick(30*time.Second, 3*time.Second)

func init() {
	flag.DurationVar(&idle, "widget_idle", idle, "how long interactive figures wait for a move before the cell ends")
}

// answerTimeout bounds the wait for the page's JavaScript to answer. GoNB gives up installing
// its connection to the page after 3 s, and tries again on the next ping: a busy browser
// may need several tries.
var answerTimeout = 30 * time.Second

// pingEvery is how often a program asks the page to answer until it does.
const pingEvery = 500 * time.Millisecond

// Draw returns the figures for the controls' current values (always as many).
type Draw func() ([]*plots.Figure, error)

// Show draws the figure for the controls' values and shows it; with a widget front-end it then
// shows the controls and redraws the figure in place on every move, until Done, an interrupt or
// the idle time. It returns the first drawing's error (later ones are shown beside the controls).
func Show(draw func() (*plots.Figure, error), controls ...Control) error {
	return ShowAll(func() ([]*plots.Figure, error) {
		fig, err := draw()
		return []*plots.Figure{fig}, err
	}, controls...)
}

// ShowAll is Show for several figures drawn from the same values.
func ShowAll(draw Draw, controls ...Control) error {
	for _, c := range controls {
		if err := c.check(); err != nil {
			return err
		}
	}
	w := &widget{id: "dllessons_widget_" + gonbui.UniqueId(), draw: draw, controls: controls}
	if err := w.redraw(); err != nil {
		return err
	}
	if !gonbui.IsNotebook || lesson.Headless() {
		fmt.Println(w.summary(false))
		return nil
	}
	w.live()
	return nil
}

// widget is one interactive figure in a cell.
type widget struct {
	id       string
	draw     Draw
	controls []Control
	status   string // the error line shown beside the controls
	figures  int    // how many figures the first drawing returned
}

// address is where the page sends the controls' moves ("name=value"), "#ready" and "#done".
func (w *widget) address() string { return "/dllessons/" + w.id }

// live runs the controls in the page until the learner is done with them.
func (w *widget) live() {
	moves := comms.Listen[string](w.address()).WithBuffer(64)
	defer moves.Close()
	w.showPanel(w.panelHTML())
	dom.TransientJavascript(w.script())
	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt)
	defer signal.Stop(interrupt)
	answered := w.serve(moves.C, interrupt, w.redraw, func() { comms.Send(w.address()+"/ping", 1) })
	w.showPanelText(w.summary(answered))
}

// serve handles the page's messages until "#done", an interrupt, the idle time after the page
// answered, or answerTimeout without an answer; until the page answers it pings it twice a
// second (its first "#ready" may arrive before GoNB forwards this address). It reports whether
// the page answered.
func (w *widget) serve(messages <-chan string, interrupt <-chan os.Signal, redraw func() error, ping func()) (answered bool) {
	wait := time.NewTimer(answerTimeout)
	defer wait.Stop()
	pings := time.NewTicker(pingEvery)
	defer pings.Stop()
	for {
		select {
		case <-pings.C:
			if !answered {
				ping()
			}
		case m := <-messages:
			pending := []string{m}
			for more := true; more; { // coalesce a burst of moves into one redraw
				select {
				case m := <-messages:
					pending = append(pending, m)
				default:
					more = false
				}
			}
			done, moved, err := w.apply(pending)
			answered = true
			if err != nil {
				w.showStatus(err.Error())
			} else if moved {
				if err := redraw(); err != nil {
					w.showStatus(err.Error())
				}
			}
			if done {
				return answered
			}
			wait.Reset(idle)
		case <-interrupt:
			return answered
		case <-wait.C:
			return answered
		}
	}
}

// apply sets the controls from the page's messages and reports whether one said "#done" and
// whether any control moved.
func (w *widget) apply(messages []string) (done, moved bool, err error) {
	var problems []error
	for _, m := range messages {
		switch m {
		case "#done":
			done = true
			continue
		case "#ready":
			continue
		}
		name, value, _ := strings.Cut(m, "=")
		c := w.control(name)
		if c == nil {
			problems = append(problems, fmt.Errorf("the page sent %q, which names no control of this figure", m))
			continue
		}
		if err := c.set(value); err != nil {
			problems = append(problems, err)
			continue
		}
		moved = true
	}
	return done, moved, errors.Join(problems...)
}

func (w *widget) control(name string) Control {
	for _, c := range w.controls {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// redraw draws the figures for the current values into the cell's figure outputs.
func (w *widget) redraw() error {
	figs, err := w.draw()
	if err != nil {
		return err
	}
	if w.figures == 0 {
		w.figures = len(figs)
	}
	if len(figs) != w.figures {
		return fmt.Errorf("widgets: the drawing returned %d figures, first %d: return as many every time", len(figs), w.figures)
	}
	for i, f := range figs {
		if f == nil {
			return fmt.Errorf("widgets: the drawing returned no figure %d of %d", i+1, len(figs))
		}
	}
	for i, f := range figs {
		f.ShowAs(fmt.Sprintf("%s_figure%d", w.id, i))
	}
	w.showStatus("")
	return nil
}

// summary is the line the cell keeps below its figure: the values drawn and how to set them.
func (w *widget) summary(live bool) string {
	var values, flags []string
	for _, c := range w.controls {
		values = append(values, c.String())
		flags = append(flags, "--"+c.Name()+"="+c.flagValue())
	}
	how := "without a live notebook page the controls do not run"
	if live {
		how = "the controls have closed; run the cell again to move them"
	}
	return fmt.Sprintf("Figure drawn for %s (%s; to fix these values, start the cell with `%%%% %s`).",
		strings.Join(values, ", "), how, strings.Join(flags, " "))
}

// panelHTML is the controls, a status line and a Done button.
func (w *widget) panelHTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div id="%s" data-dllessons-widget="%s" style="margin:0.5em 0">`, w.id, w.address())
	for i, c := range w.controls {
		b.WriteString(c.html(fmt.Sprintf("%s_%d", w.id, i)))
	}
	fmt.Fprintf(&b, `<button data-done style="margin-left:0.5em">Done</button>`)
	fmt.Fprintf(&b, `<div id="%s_status" style="color:#b00;white-space:pre-wrap"></div>`, w.id)
	fmt.Fprintf(&b, `<div style="color:#666;font-size:90%%">Move a control to redraw the figure; the controls close after %s without a move, or with Done.</div></div>`, idle)
	return b.String()
}

// script connects the panel's controls to the program through GoNB's gonb_comm. GoNB installs
// gonb_comm with another output, and replaces it when its connection opened later than GoNB
// waits for (3 s, common on a busy machine): the script follows the current gonb_comm, answers
// pings on each new one, and sends the controls the learner moved (and Done) again on it, so
// nothing the learner did while connecting is lost.
func (w *widget) script() string {
	return fmt.Sprintf(`(() => {
	const root = document.getElementById(%[1]q);
	const address = %[2]q;
	if (!root) return;
	const moved = {}; // control → its last value, sent again on a new connection
	const send = message => globalThis.gonb_comm && globalThis.gonb_comm.send(address, message);
	root.querySelectorAll('[data-control]').forEach(el => {
		const shown = root.querySelector('[data-shows="' + el.dataset.control + '"]');
		el.addEventListener('input', () => {
			if (shown) shown.textContent = el.value;
			moved[el.dataset.control] = el.value;
			send(el.dataset.control + '=' + el.value);
		});
	});
	let done = false; // Done pressed: sent again on a new connection too
	root.querySelector('[data-done]').addEventListener('click', () => { done = true; send('#done'); });
	let current = null;
	const follow = () => {
		if (!root.isConnected) return; // the program replaced the panel: it has ended
		const comm = globalThis.gonb_comm;
		if (comm && comm !== current) {
			current = comm;
			comm.subscribe(address + '/ping', () => send('#ready'));
			send('#ready');
			Object.entries(moved).forEach(([name, value]) => send(name + '=' + value));
			if (done) send('#done');
		}
		setTimeout(follow, 250);
	};
	follow();
})();`, w.id, w.address())
}

func (w *widget) panelID() string { return w.id + "_panel" }

func (w *widget) showPanel(html string) { gonbui.UpdateHtml(w.panelID(), html); gonbui.Sync() }

// showPanelText replaces the panel by a plain-text line, which the saved notebook keeps.
func (w *widget) showPanelText(text string) {
	gonbui.SendData(&protocol.DisplayData{
		Data:      map[protocol.MIMEType]any{protocol.MIMETextPlain: text},
		DisplayID: w.panelID(),
	})
	gonbui.Sync()
}

func (w *widget) showStatus(text string) {
	if text == w.status {
		return
	}
	w.status = text
	if gonbui.IsNotebook {
		dom.SetInnerText(w.id+"_status", text)
	}
}

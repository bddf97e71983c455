package browsertest

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"
)

// widgetTimeout bounds each step of driving a widget: its panel appearing (the cell's program
// is built first) and a figure redrawn after a move.
const widgetTimeout = 3 * time.Minute

// WidgetMove is what moving one control of a pkg/widgets panel did to its cell's figures.
type WidgetMove struct {
	Before, After string // signatures (length and hash) of the cell's figures
	Screenshot    []byte // the page once the figure changed, PNG
}

// jsWidgetFigures is a signature of the figures in the cell of the first widget panel: the
// length and a hash of every <img> source and <svg> outside the panel, or "" without a panel
// or a figure.
const jsWidgetFigures = `(() => {
	const panel = document.querySelector('[data-dllessons-widget]');
	const cell = panel && panel.closest('.cell, .jp-Cell');
	if (!cell) return '';
	const parts = Array.from(cell.querySelectorAll('img, svg')).filter(e => !panel.contains(e))
		.map(e => e.tagName.toLowerCase() === 'img' ? e.src : e.outerHTML);
	if (!parts.length) return '';
	const text = parts.join('|');
	let h = 5381;
	for (let i = 0; i < text.length; i++) h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
	return parts.length + ' figures, ' + text.length + ' chars, hash ' + h;
})()`

// MoveWidget waits for the page's first widget panel and a figure beside it, sets its control
// named control to value as a learner's drag does (an input event), and waits until the figure
// changed. Every wait polls a condition with a deadline; none is a fixed sleep.
func (s *Session) MoveWidget(tab context.Context, control, value string) (*WidgetMove, error) {
	ready, cancel := context.WithTimeout(tab, widgetTimeout)
	defer cancel()
	if err := waitFor(ready, tab, jsWidgetFigures+` !== ''`, 1, "a widget panel with its figure"); err != nil {
		return nil, err
	}
	move := &WidgetMove{}
	var err error
	if move.Before, err = chromedp.Run(tab, chromedp.Evaluate[string](jsWidgetFigures)); err != nil {
		return nil, err
	}
	moved, err := chromedp.Run(tab, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const el = document.querySelector('[data-dllessons-widget] [data-control=%q]');
		if (!el) return false;
		el.value = %q;
		el.dispatchEvent(new Event('input', {bubbles: true}));
		return true;
	})()`, control, value)))
	if err != nil || !moved {
		return nil, fmt.Errorf("moving the widget's control %q to %s (found: %v): %v", control, value, moved, err)
	}
	changed, cancel2 := context.WithTimeout(tab, widgetTimeout)
	defer cancel2()
	if err := waitFor(changed, tab, fmt.Sprintf(`(() => { const now = %s; return now !== '' && now !== %q; })()`, jsWidgetFigures, move.Before),
		1, "the figure to be redrawn after moving "+control); err != nil {
		move.Screenshot, _ = cellScreenshot(tab)
		text, _ := chromedp.Run(tab, chromedp.Evaluate[string](jsWidgetCellText))
		return move, fmt.Errorf("%w; the cell's output reads: %s", err, text)
	}
	if move.After, err = chromedp.Run(tab, chromedp.Evaluate[string](jsWidgetFigures)); err != nil {
		return move, err
	}
	if err := waitFor(changed, tab, jsSettled, 2, "the redrawn figure to load"); err != nil {
		return move, err
	}
	move.Screenshot, err = cellScreenshot(tab)
	return move, err
}

// cellScreenshot is the window with the widget's cell scrolled into view, PNG.
func cellScreenshot(tab context.Context) ([]byte, error) {
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`(() => {
		const panel = document.querySelector('[data-dllessons-widget]');
		const cell = panel && panel.closest('.cell, .jp-Cell');
		if (cell) cell.scrollIntoView({block: 'end'});
		return !!cell;
	})()`)); err != nil {
		return nil, err
	}
	return chromedp.Run(tab, chromedp.CaptureScreenshot())
}

// CloseWidget presses the Done button of the page's first widget panel, so its cell ends.
func (s *Session) CloseWidget(tab context.Context) error {
	pressed, err := chromedp.Run(tab, chromedp.Evaluate[bool](`(() => {
		const b = document.querySelector('[data-dllessons-widget] [data-done]');
		if (!b) return false;
		b.click();
		return true;
	})()`))
	if err != nil || !pressed {
		return fmt.Errorf("pressing the widget's Done button (found: %v): %v", pressed, err)
	}
	return nil
}

// jsWidgetCellText is the text of the cell that held the first widget panel (its outputs tell
// what the program did), for error messages.
const jsWidgetCellText = `(() => {
	const cells = Array.from(document.querySelectorAll('.cell, .jp-Cell'));
	const cell = cells.find(c => c.querySelector('[data-dllessons-widget]')) ||
		cells.find(c => c.textContent.includes('Figure drawn for'));
	return cell ? cell.querySelector('.output_wrapper, .jp-Cell-outputWrapper, .jp-OutputArea').innerText.slice(0, 2000) : 'no widget cell';
})()`

// DelayFirstGoNBConnection makes the next WebSocket the page opens to a kernel's channels (the
// one GoNB's gonb_comm opens for widgets) deliver each message it sends delay later, as a busy
// machine does. GoNB waits 3 s for its connection to open and then replaces it by a new one
// (which is not delayed): with a delay above that, a widget must follow the replacement.
func DelayFirstGoNBConnection(tab context.Context, delay time.Duration) error {
	installed, err := chromedp.Run(tab, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const Real = globalThis.WebSocket;
		let delayed = false;
		class Delayed extends Real {
			constructor(url, protocols) {
				super(url, protocols);
				if (!delayed && String(url).includes('/channels')) {
					delayed = true;
					const send = this.send.bind(this);
					this.send = message => setTimeout(() => { try { send(message); } catch (e) {} }, %d);
				}
			}
		}
		globalThis.WebSocket = Delayed;
		return true;
	})()`, delay.Milliseconds())))
	if err != nil || !installed {
		return fmt.Errorf("delaying GoNB's first connection (installed: %v): %v", installed, err)
	}
	return nil
}

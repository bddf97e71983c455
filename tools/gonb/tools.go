//go:build tools

// Package tools records the GoNB version that set-up installs.
package tools

import _ "github.com/janpfeifer/gonb"

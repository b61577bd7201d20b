package render

import "strings"

// chromiumNames are the names Chromium goes by on PATH, first preferred.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Missing names the programs the renderer's engine needs that cannot be
// found, in a stable order; empty when every format can be rendered.
func (r *Renderer) Missing() []string {
	engine, err := r.Engine()
	if err != nil {
		return []string{"engine " + r.cfg.Engine}
	}
	if engine == EngineQuarto {
		if _, err := lookTool(r.cfg.Quarto, "quarto"); err != nil {
			return []string{"quarto"}
		}
		return nil
	}
	var missing []string
	for _, t := range []struct {
		configured string
		names      []string
	}{
		{r.cfg.Pandoc, []string{"pandoc"}},
		{r.cfg.Chromium, chromiumNames},
		{r.cfg.RsvgConvert, []string{"rsvg-convert"}},
	} {
		if _, err := lookTool(t.configured, t.names...); err != nil {
			missing = append(missing, t.names[0])
		}
	}
	return missing
}

// Readiness is the renderer's state for a health check: "ready", or
// "missing: " and the programs Missing names.
func (r *Renderer) Readiness() string {
	if m := r.Missing(); len(m) > 0 {
		return "missing: " + strings.Join(m, ", ")
	}
	return "ready"
}

package ingest

// Batch is rows of one landing table held by column, as the loader typed
// them: integers and text stay unboxed, so that an engine taking whole
// batches (BatchAppender) writes them without an allocation per value.
// Row i of a column is in the slice its Kind[i] names.
type Batch struct {
	Len  int
	Cols []BatchColumn
}

// CellKind says where a cell's value is.
type CellKind uint8

// The cell kinds.
const (
	CellNull  CellKind = iota // SQL NULL
	CellInt                   // in Int
	CellText                  // in Text
	CellOther                 // in Other: any other value (float64, bool, time.Time...)
)

// BatchColumn is one column of a Batch. Int, Text and Other are allocated
// on a column's first value of their kind, then reused with the batch.
type BatchColumn struct {
	Kind  []CellKind
	Int   []int64
	Text  []string
	Other []any
}

// BatchAppender is an Appender that takes whole batches. The batch is the
// caller's again once AppendBatch returns.
type BatchAppender interface {
	Appender
	AppendBatch(b *Batch) error
}

func newBatch(width, rows int) *Batch {
	b := &Batch{Cols: make([]BatchColumn, width)}
	for i := range b.Cols {
		b.Cols[i].Kind = make([]CellKind, rows)
	}
	return b
}

// Value returns row i of the column as a row appender takes it.
func (c *BatchColumn) Value(i int) any {
	switch c.Kind[i] {
	case CellInt:
		return c.Int[i]
	case CellText:
		return c.Text[i]
	case CellOther:
		return c.Other[i]
	}
	return nil
}

func (c *BatchColumn) setInt(i int, v int64) {
	if c.Int == nil {
		c.Int = make([]int64, len(c.Kind))
	}
	c.Kind[i], c.Int[i] = CellInt, v
}

func (c *BatchColumn) setText(i int, s string) {
	if c.Text == nil {
		c.Text = make([]string, len(c.Kind))
	}
	c.Kind[i], c.Text[i] = CellText, s
}

func (c *BatchColumn) setOther(i int, v any) {
	if c.Other == nil {
		c.Other = make([]any, len(c.Kind))
	}
	c.Kind[i], c.Other[i] = CellOther, v
}

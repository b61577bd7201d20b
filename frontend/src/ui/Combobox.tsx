// A searchable value picker on the ARIA 1.2 combobox pattern (editable, list
// autocomplete): type to search, arrows to move, Enter to pick, Escape to close.
// With `multiple`, picked values show as removable chips.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describedBy, Field, useFieldId } from './index';

export interface ComboOption {
  value: string;
  label: string;
}

interface Props {
  label: string;
  hideLabel?: boolean;
  options: ComboOption[];
  value: string | string[];
  onChange: (v: string | string[]) => void;
  multiple?: boolean;
  /** Called with the text typed, for server-side search. */
  onSearch?: (q: string) => void;
  loading?: boolean;
  /** Accept typed text that is not among the options. */
  allowFree?: boolean;
  placeholder?: string;
  hint?: string;
  error?: string;
  id?: string;
}

export function Combobox({ label, hideLabel, options, value, onChange, multiple, onSearch, loading, allowFree = true, placeholder, hint, error, id }: Props) {
  const { t } = useTranslation();
  const fid = useFieldId(id);
  const listId = `${fid}-list`;
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(multiple || Array.isArray(value) ? '' : (value ?? ''));
  const [active, setActive] = useState(-1);
  const inputRef = useRef<HTMLInputElement>(null);
  const selected = useMemo(() => (Array.isArray(value) ? value : value ? [value] : []), [value]);
  // Picks can come faster than the parent re-renders: build on the last value sent.
  const latest = useRef(selected);
  useEffect(() => {
    latest.current = selected;
  }, [selected]);
  const send = (next: string[]) => {
    latest.current = next;
    onChange(next);
  };
  const labelOf = (v: string) => options.find((o) => o.value === v)?.label ?? v;

  useEffect(() => {
    if (!multiple && !Array.isArray(value)) setText(value ? labelOf(value) : '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, multiple]);

  const q = text.trim().toLowerCase();
  const filtered = useMemo(() => {
    const base = onSearch ? options : options.filter((o) => !q || o.label.toLowerCase().includes(q) || o.value.toLowerCase().includes(q));
    return base.slice(0, 100);
  }, [options, q, onSearch]);

  useEffect(() => {
    if (!onSearch) return;
    const h = setTimeout(() => onSearch(text.trim()), 250);
    return () => clearTimeout(h);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const pick = (v: string) => {
    if (multiple) {
      if (!latest.current.includes(v)) send([...latest.current, v]);
      setText('');
    } else {
      onChange(v);
      setText(labelOf(v));
      setOpen(false);
    }
    setActive(-1);
  };

  const remove = (v: string) => {
    send(latest.current.filter((x) => x !== v));
    inputRef.current?.focus();
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(filtered.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      if (open && active >= 0 && filtered[active]) {
        e.preventDefault();
        pick(filtered[active].value);
      } else if (text.trim()) {
        // Typed text that names an option picks that option's value.
        const typed = text.trim().toLowerCase();
        const match = options.find((o) => o.value.toLowerCase() === typed || o.label.toLowerCase() === typed);
        if (match || allowFree) {
          e.preventDefault();
          pick(match ? match.value : text.trim());
        }
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        setActive(-1);
      }
    } else if (e.key === 'Backspace' && multiple && !text && latest.current.length) {
      send(latest.current.slice(0, -1));
    }
  };

  return (
    <Field fid={fid} label={label} hideLabel={hideLabel} hint={hint} error={error} className="combobox">
      {multiple && selected.length ? (
        <ul className="chips" id={`${fid}-chips`} aria-label={t('combobox.selected', { label })}>
          {selected.map((v) => (
            <li key={v} className="chip">
              <span>{labelOf(v)}</span>
              <button type="button" className="chip-remove" onClick={() => remove(v)} aria-label={t('combobox.remove', { value: labelOf(v) })}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="combobox-box">
        <input
          ref={inputRef}
          id={fid}
          className="input"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && active >= 0 && filtered[active] ? `${fid}-opt-${active}` : undefined}
          aria-describedby={describedBy(fid, hint, error, multiple && selected.length ? `${fid}-chips` : '')}
          aria-invalid={error ? true : undefined}
          autoComplete="off"
          placeholder={placeholder}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(-1);
            if (!multiple && !e.target.value) onChange('');
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={() => {
            setOpen(false);
            if (!multiple && allowFree && text.trim() && text.trim() !== labelOf(String(value ?? ''))) {
              const match = options.find((o) => o.label === text.trim());
              onChange(match ? match.value : text.trim());
            }
          }}
          onKeyDown={onKey}
        />
        <ul id={listId} role="listbox" aria-label={label} aria-multiselectable={multiple || undefined} className="listbox" hidden={!open}>
          {loading ? (
            <li className="listbox-note" role="presentation">
              {t('common.loading')}
            </li>
          ) : null}
          {!loading && filtered.length === 0 ? (
            <li className="listbox-note" role="presentation">
              {allowFree && text.trim() ? t('combobox.useTyped', { value: text.trim() }) : t('combobox.noOptions')}
            </li>
          ) : null}
          {filtered.map((o, i) => (
            <li
              key={o.value}
              id={`${fid}-opt-${i}`}
              role="option"
              aria-selected={selected.includes(o.value)}
              className={`option ${i === active ? 'option-active' : ''}`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(o.value)}
            >
              {o.label}
            </li>
          ))}
        </ul>
      </div>
    </Field>
  );
}

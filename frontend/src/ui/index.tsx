// The design system: small, accessible building blocks used by every screen.
import {
  forwardRef,
  useEffect,
  useId,
  useRef,
  useState,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type KeyboardEvent,
  type ReactNode,
  type SelectHTMLAttributes,
} from 'react';
import { useTranslation } from 'react-i18next';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

export const Button = forwardRef<HTMLButtonElement, ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: 'sm' | 'md'; busy?: boolean }>(
  function Button({ variant = 'secondary', size = 'md', busy, className, children, type = 'button', disabled, ...rest }, ref) {
    return (
      <button ref={ref} type={type} className={`btn btn-${variant} btn-${size} ${className ?? ''}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
        {busy ? <span className="spinner spinner-inline" aria-hidden="true" /> : null}
        {children}
      </button>
    );
  },
);

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  className?: string;
  /** Hide the label visually (it stays for assistive technology). */
  hideLabel?: boolean;
}

/** The control's id: the one given, or else one unique to this field. */
export function useFieldId(id?: string): string {
  const auto = useId();
  return id ?? auto;
}

/** The ids of a field's hint and error paragraphs, for aria-describedby; each id is present only when its paragraph is. */
export function describedBy(fid: string, hint?: ReactNode, error?: ReactNode, ...more: (string | false | undefined)[]): string | undefined {
  return [hint ? `${fid}-hint` : '', error ? `${fid}-error` : '', ...more].filter(Boolean).join(' ') || undefined;
}

/** A field's label, hidden visually (kept for assistive technology) when asked. */
export function FieldLabel({ fid, hidden, children }: { fid: string; hidden?: boolean; children: ReactNode }) {
  return (
    <label htmlFor={fid} className={hidden ? 'visually-hidden' : 'field-label'}>
      {children}
    </label>
  );
}

/** The hint and error under a field, with the ids describedBy names. */
function FieldNotes({ fid, hint, error }: { fid: string; hint?: ReactNode; error?: ReactNode }) {
  return (
    <>
      {hint ? (
        <p id={`${fid}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${fid}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** A labelled control with its hint and error under it; fid is the control's id. */
export function Field({ fid, label, hideLabel, hint, error, className, children }: FieldProps & { fid: string; children: ReactNode }) {
  return (
    <div className={`field ${className ?? ''}`}>
      <FieldLabel fid={fid} hidden={hideLabel}>
        {label}
      </FieldLabel>
      {children}
      <FieldNotes fid={fid} hint={hint} error={error} />
    </div>
  );
}

export const TextField = forwardRef<HTMLInputElement, FieldProps & InputHTMLAttributes<HTMLInputElement>>(function TextField(
  { label, hint, error, className, hideLabel, id, ...input },
  ref,
) {
  const fid = useFieldId(id);
  return (
    <Field fid={fid} label={label} hideLabel={hideLabel} hint={hint} error={error} className={className}>
      <input ref={ref} id={fid} className="input" aria-invalid={error ? true : undefined} aria-describedby={describedBy(fid, hint, error)} {...input} />
    </Field>
  );
});

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

export function SelectField({
  label,
  hint,
  error,
  className,
  hideLabel,
  options,
  placeholder,
  id,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { options: Option[]; placeholder?: string }) {
  const fid = useFieldId(id);
  return (
    <Field fid={fid} label={label} hideLabel={hideLabel} hint={hint} error={error} className={className}>
      <select id={fid} className="input select" aria-invalid={error ? true : undefined} aria-describedby={describedBy(fid, hint, error)} {...select}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A select and an Add button: Add hands the chosen value to onAdd and clears the choice. */
export function AddRow({ label, placeholder, options, disabled, onAdd, describedBy }: { label: ReactNode; placeholder: string; options: Option[]; disabled?: boolean; onAdd: (value: string) => void; describedBy?: string }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  return (
    <div className="add-row">
      <SelectField label={label} value={value} placeholder={placeholder} disabled={disabled} {...(describedBy ? { 'aria-describedby': describedBy } : {})} options={options} onChange={(e) => setValue(e.target.value)} />
      <Button
        size="sm"
        disabled={!value || disabled}
        onClick={() => {
          onAdd(value);
          setValue('');
        }}
      >
        {t('common.add')}
      </Button>
    </div>
  );
}

export function CheckboxField({ label, hint, className, id, ...input }: Omit<FieldProps, 'error' | 'hideLabel'> & InputHTMLAttributes<HTMLInputElement>) {
  const fid = useFieldId(id);
  return (
    <div className={`field field-check ${className ?? ''}`}>
      <input id={fid} type="checkbox" className="checkbox" aria-describedby={describedBy(fid, hint)} {...input} />
      <label htmlFor={fid}>{label}</label>
      <FieldNotes fid={fid} hint={hint} />
    </div>
  );
}

export function Fieldset({ legend, children, className, actions }: { legend: ReactNode; children: ReactNode; className?: string; actions?: ReactNode }) {
  return (
    <fieldset className={`fieldset ${className ?? ''}`}>
      <legend>{legend}</legend>
      {children}
      {actions ? <div className="fieldset-actions">{actions}</div> : null}
    </fieldset>
  );
}

type Tone = 'info' | 'success' | 'warning' | 'error';

/** Errors interrupt (role=alert); everything else is announced politely (role=status). */
export function Alert({ tone = 'info', title, children, action }: { tone?: Tone; title?: ReactNode; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div>
        {title ? <p className="alert-title">{title}</p> : null}
        {children ? <div className="alert-body">{children}</div> : null}
      </div>
      {action ? <div className="alert-action">{action}</div> : null}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className="visually-hidden">{children}</span>;
}

/** A modal dialog on the native <dialog>: focus moves in, Escape closes, focus returns to the opener. */
export function Dialog({ open, onClose, title, children, footer }: { open: boolean; onClose: () => void; title: ReactNode; children: ReactNode; footer?: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const { t } = useTranslation();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!open && d.open) {
      d.close();
      (opener.current as HTMLElement | null)?.focus?.();
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onClose} aria-label={t('common.close')}>
          ×
        </button>
      </div>
      <div className="dialog-body">{open ? children : null}</div>
      {footer ? <div className="dialog-foot">{footer}</div> : null}
    </dialog>
  );
}

/** A dialog that offers one action beside Cancel; danger marks an action that destroys. */
export function ActionDialog({
  open,
  onClose,
  title,
  action,
  onAction,
  busy,
  danger,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  action: ReactNode;
  onAction: () => void;
  busy?: boolean;
  danger?: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant={danger ? 'danger' : 'primary'} busy={busy} onClick={onAction}>
            {action}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}

/** An ActionDialog around a form: Enter in a field submits it as the action button does. */
export function FormDialog({ children, ...p }: Omit<Parameters<typeof ActionDialog>[0], 'danger'>) {
  return (
    <ActionDialog {...p}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          p.onAction();
        }}
      >
        {children}
        <button type="submit" hidden />
      </form>
    </ActionDialog>
  );
}

export interface TableColumn<R> {
  key: string;
  header: ReactNode;
  cell: (row: R) => ReactNode;
  align?: 'start' | 'end';
  /** The cell names its row: rendered as <th scope="row">. */
  rowHeader?: boolean;
}

export function Table<R>({ caption, columns, rows, rowKey, empty, captionHidden }: { caption: ReactNode; columns: TableColumn<R>[]; rows: R[]; rowKey: (r: R, i: number) => string; empty?: ReactNode; captionHidden?: boolean }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={typeof caption === 'string' ? caption : undefined}>
      <table className="table">
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.align === 'end' ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && empty ? (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          ) : null}
          {rows.map((r, i) => (
            <tr key={rowKey(r, i)}>
              {columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.key} scope="row" className={c.align === 'end' ? 'num' : undefined}>
                    {c.cell(r)}
                  </th>
                ) : (
                  <td key={c.key} className={c.align === 'end' ? 'num' : undefined}>
                    {c.cell(r)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface TabItem {
  id: string;
  label: ReactNode;
}

/** ARIA tabs: arrow keys, Home and End move between tabs (automatic activation). */
export function Tabs({ tabs, value, onChange, label, children }: { tabs: TabItem[]; value: string; onChange: (id: string) => void; label: string; children: ReactNode }) {
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    let n = -1;
    if (e.key === 'ArrowRight') n = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') n = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') n = 0;
    else if (e.key === 'End') n = tabs.length - 1;
    if (n >= 0) {
      e.preventDefault();
      onChange(tabs[n].id);
      refs.current[n]?.focus();
    }
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tablist">
        {tabs.map((tab, i) => (
          <button
            key={tab.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            type="button"
            id={`${base}-tab-${tab.id}`}
            aria-selected={tab.id === value}
            aria-controls={`${base}-panel`}
            tabIndex={tab.id === value ? 0 : -1}
            className="tab"
            onClick={() => onChange(tab.id)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${value}`} className="tabpanel">
        {children}
      </div>
    </div>
  );
}

export function PageHeader({ title, children, description }: { title: ReactNode; children?: ReactNode; description?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1 tabIndex={-1} id="page-title">
          {title}
        </h1>
        {description ? <p className="muted">{description}</p> : null}
      </div>
      {children ? <div className="page-actions">{children}</div> : null}
    </div>
  );
}

export function Badge({ children, tone = 'neutral' }: { children: ReactNode; tone?: 'neutral' | 'info' | 'success' | 'warning' | 'error' }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

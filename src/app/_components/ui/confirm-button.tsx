"use client";

import { useId, useRef } from "react";
import { dangerButtonClass, secondaryButtonClass } from "./classes";

/**
 * A button that asks before it destroys something: a native modal <dialog> (focus stays inside,
 * Escape cancels) that names what will be lost. Cancel has the focus when it opens, so Enter
 * never destroys by accident; focus returns to the button when it closes.
 */
export function ConfirmButton({
  children,
  className,
  disabled,
  title,
  consequences,
  confirmLabel,
  onConfirm,
}: {
  children: React.ReactNode;
  className: string;
  disabled?: boolean;
  /** The question, e.g. "Remove Ana from Harbour Gallery?" */
  title: string;
  /** What will be lost, in words. */
  consequences: React.ReactNode;
  /** The confirming button's words, e.g. "Remove Ana". */
  confirmLabel: string;
  onConfirm: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const id = useId();
  const close = () => {
    dialog.current?.close();
    trigger.current?.focus();
  };
  return (
    <>
      <button
        ref={trigger}
        type="button"
        className={className}
        disabled={disabled}
        aria-haspopup="dialog"
        onClick={() => {
          dialog.current?.showModal();
          cancel.current?.focus();
        }}
      >
        {children}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-body`}
        onClose={() => trigger.current?.focus()}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl bg-white p-0 text-left shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
      >
        <div className="space-y-3 p-5">
          <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          <div id={`${id}-body`} className="text-sm text-slate-700">
            {consequences}
          </div>
          <div className="flex flex-wrap justify-end gap-3 pt-2">
            <button ref={cancel} type="button" className={secondaryButtonClass} onClick={close}>
              Cancel
            </button>
            <button
              type="button"
              className={dangerButtonClass}
              onClick={() => {
                close();
                onConfirm();
              }}
            >
              {confirmLabel}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}

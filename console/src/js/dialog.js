// Confirmation and form dialogs on the page's one <dialog>. Anything that changes the broker's
// data goes through confirm(): the user reads what will happen and, for what cannot be undone,
// types the name of what it acts on.

import {h, replace} from './dom.js';

function dialogElement() {
  return document.getElementById('dialog');
}

// Resolves true when the user confirms, false when they cancel (button, Escape). Escape is
// caught as 'cancel', not 'close': the close of the dialog before it may still be on its way.
// `typeToConfirm`: the text the user must type before the confirm button is enabled.
export function confirm({title, message, confirmLabel = 'Confirm', danger = false, typeToConfirm = null}) {
  const dialog = dialogElement();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      dialog.close();
      resolve(value);
    };
    const confirmButton = h('button', {
      type: 'submit',
      class: danger ? 'danger solid' : 'primary',
      'data-testid': 'confirm-button',
      disabled: typeToConfirm !== null,
    }, confirmLabel);
    const typed = typeToConfirm === null ? null : h('label', {},
      `Type ${typeToConfirm} to confirm`,
      h('input', {
        'data-testid': 'confirm-input',
        autocomplete: 'off',
        oninput: (e) => { confirmButton.disabled = e.target.value !== typeToConfirm; },
      }));
    const form = h('form', {
      method: 'dialog',
      onsubmit: (e) => {
        e.preventDefault();
        if (!confirmButton.disabled) finish(true);
      },
    },
    h('h2', {}, title),
    h('div', {}, message),
    typed,
    h('div', {class: 'actions'},
      h('button', {type: 'button', 'data-testid': 'cancel-button', onclick: () => finish(false)}, 'Cancel'),
      confirmButton));
    dialog.oncancel = (e) => {
      e.preventDefault();
      finish(false);
    };
    replace(dialog, form);
    dialog.showModal();
    (typed?.querySelector('input') ?? confirmButton).focus();
  });
}

// A dialog holding `fields` (label elements with inputs); resolves to the form's FormData on
// submit, or null on cancel.
export function formDialog({title, fields, submitLabel = 'Continue'}) {
  const dialog = dialogElement();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      dialog.close();
      resolve(value);
    };
    const form = h('form', {
      method: 'dialog',
      onsubmit: (e) => {
        e.preventDefault();
        if (form.reportValidity()) finish(new FormData(form));
      },
    },
    h('h2', {}, title),
    fields,
    h('div', {class: 'actions'},
      h('button', {type: 'button', 'data-testid': 'cancel-button', onclick: () => finish(null)}, 'Cancel'),
      h('button', {type: 'submit', class: 'primary', 'data-testid': 'submit-button'}, submitLabel)));
    dialog.oncancel = (e) => {
      e.preventDefault();
      finish(null);
    };
    replace(dialog, form);
    dialog.showModal();
    form.querySelector('input')?.focus();
  });
}

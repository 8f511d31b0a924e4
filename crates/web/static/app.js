// shouhu: small conveniences on top of pages that work without JavaScript.

// Ask before closing a file: it is reversible, but should not happen by a slip of the thumb.
for (const button of document.querySelectorAll("#close-child")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm("确定销档吗？销档后可以恢复。")) event.preventDefault();
  });
}

// After a failed save, bring the first wrong field into view.
const firstError = document.querySelector(".field.has-error input, .field.has-error select");
if (firstError) firstError.focus();

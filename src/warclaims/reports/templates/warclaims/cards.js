/* The charts' cards: a mark (a button over the picture, placed where the build measured it) opens
   its card on hover, on focus and on a tap; Escape or a tap elsewhere closes it. No framework, no
   eval, no inline handlers: the page works under a strict Content-Security-Policy that allows this
   one script. Without it, the marks stay hidden and the page reads as a picture with its caption,
   its table and its downloads. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("wc-on");
  var open = null;
  var opener = null;

  function place(mark) {
    var s = mark.style;
    s.left = mark.getAttribute("data-x") + "%";
    s.top = mark.getAttribute("data-y") + "%";
    s.width = mark.getAttribute("data-w") + "%";
    s.height = mark.getAttribute("data-h") + "%";
  }

  function close() {
    if (open) {
      open.classList.remove("wc-open");
    }
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
    }
    open = null;
    opener = null;
  }

  function show(mark) {
    var card = document.getElementById(mark.getAttribute("aria-controls"));
    if (!card) {
      return;
    }
    if (open === card && opener === mark) {
      return;
    }
    close();
    var frame = mark.closest(".wc-frame");
    card.classList.add("wc-open");
    open = card;
    opener = mark;
    mark.setAttribute("aria-expanded", "true");
    var width = frame.clientWidth;
    var left = mark.offsetLeft + mark.offsetWidth / 2 - card.offsetWidth / 2;
    left = Math.max(0, Math.min(left, width - card.offsetWidth));
    var below = mark.offsetTop + mark.offsetHeight + 6;
    var above = mark.offsetTop - card.offsetHeight - 6;
    var top = below + card.offsetHeight <= frame.clientHeight || above < 0 ? below : above;
    card.style.left = left + "px";
    card.style.top = top + "px";
  }

  var marks = document.querySelectorAll(".wc-mark");
  for (var i = 0; i < marks.length; i++) {
    var mark = marks[i];
    place(mark);
    mark.addEventListener("pointerenter", function (event) {
      if (event.pointerType === "mouse") {
        show(event.currentTarget);
      }
    });
    mark.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse" && opener === event.currentTarget && document.activeElement !== opener) {
        close();
      }
    });
    mark.addEventListener("focus", function (event) {
      show(event.currentTarget);
    });
    mark.addEventListener("blur", function (event) {
      if (opener === event.currentTarget) {
        close();
      }
    });
    mark.addEventListener("click", function (event) {
      event.stopPropagation();
      show(event.currentTarget);
    });
  }
  document.addEventListener("click", function (event) {
    if (open && !open.contains(event.target)) {
      close();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) {
      close();
    }
  });
})();

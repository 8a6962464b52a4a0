// Replying to a post and quoting a passage without leaving the page. Without this file the
// same links reload the topic with the reply box set (?reply_to=N, ?quote=N).
(function () {
  "use strict";

  function replyBox() {
    return document.getElementById("reply-body");
  }

  function setReplyTo(post) {
    var field = document.getElementById("reply_to_post_id");
    var note = document.getElementById("replying-to");
    var label = document.getElementById("replying-to-label");
    if (!field || !note || !label) return;
    if (!post) {
      field.value = "";
      note.hidden = true;
      return;
    }
    var author = post.querySelector(".post-author");
    field.value = post.dataset.postId;
    label.textContent = "#" + post.dataset.postNumber + " · " + (author ? author.textContent.trim() : "");
    note.hidden = false;
  }

  function selectedTextIn(element) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return "";
    var range = selection.getRangeAt(0);
    if (!element.contains(range.commonAncestorContainer)) return "";
    return selection.toString().trim();
  }

  function insert(text) {
    var box = replyBox();
    if (!box) return;
    var before = box.value && !box.value.endsWith("\n") ? box.value + "\n\n" : box.value;
    box.value = before + text;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // A mouse press on the link would clear the selection before the click: keep it first.
  var pressedSelection = "";
  document.addEventListener("mousedown", function (event) {
    var link = event.target.closest(".quote-link");
    var post = link && link.closest(".post");
    pressedSelection = post ? selectedTextIn(post.querySelector(".post-body")) : "";
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".reply-link, .quote-link");
    if (link && replyBox()) {
      var post = link.closest(".post");
      if (!post) return;
      event.preventDefault();
      setReplyTo(post);
      if (link.classList.contains("quote-link")) {
        var body = post.querySelector(".post-body");
        var passage = pressedSelection || selectedTextIn(body) || body.innerText.trim();
        pressedSelection = "";
        insert('[quote="' + post.dataset.username + ", post:" + post.dataset.postNumber +
               ", topic:" + post.dataset.topicId + '"]\n' + passage + "\n[/quote]\n\n");
      } else {
        replyBox().focus();
      }
      document.getElementById("reply").scrollIntoView({ block: "start" });
      return;
    }
    if (event.target.id === "cancel-reply") {
      setReplyTo(null);
    }
  });
})();

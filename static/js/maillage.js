// Small enhancements; every page works without this file.
document.documentElement.classList.add("js");

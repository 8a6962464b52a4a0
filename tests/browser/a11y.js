// Checks a page against the WCAG 2.1 AA rules a script can judge on its own; returns a list of problems.
// Contrast: every visible text against its composited background (4.5:1, or 3:1 for large text).
// Forms: every visible control has a label. Structure: one h1 of the page's own, one main, a banner
// and a contentinfo, named navigations, nothing wider than the window.
() => {
  const problems = [];
  const parse = (value) => {
    const match = value.match(/rgba?\(([^)]+)\)/);
    if (!match) return null;
    const [r, g, b, a = 1] = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const channel = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const backgroundOf = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour.a > 0) {
        layers.push(colour);
        if (colour.a >= 1) break;
      }
    }
    return layers.reduceRight((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
  };
  const describe = (element) =>
    element.tagName.toLowerCase() + (element.id ? `#${element.id}` : "") +
    (typeof element.className === "string" && element.className ? `.${element.className.trim().split(/\s+/).join(".")}` : "");
  const onScreen = (element) => {
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none" || Number(style.opacity) === 0) return false;
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0;
  };

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set();
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    if (!text || checked.has(element) || !onScreen(element)) continue;
    checked.add(element);
    const style = getComputedStyle(element);
    const background = backgroundOf(element);
    let colour = parse(style.color);
    if (colour.a < 1) colour = over(colour, background);
    const [light, dark] = [luminance(colour), luminance(background)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
    const needed = large ? 3 : 4.5;
    if (ratio < needed) {
      problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: ${describe(element)} "${text.slice(0, 40)}"`);
    }
  }

  for (const control of document.querySelectorAll("input, select, textarea")) {
    if (control.type === "hidden" || !onScreen(control)) continue;
    const named = control.labels.length > 0 || control.getAttribute("aria-label") || control.getAttribute("aria-labelledby");
    if (!named) problems.push(`no label: ${describe(control)}`);
  }
  for (const button of document.querySelectorAll("button, a[href]")) {
    if (onScreen(button) && !button.textContent.trim() && !button.getAttribute("aria-label")) {
      problems.push(`no text: ${describe(button)}`);
    }
  }

  const count = (selector) => document.querySelectorAll(selector).length;
  // Headings inside .prose come from members' Markdown, not from the page's own outline.
  const pageHeadings = document.querySelectorAll("h1").length;
  if (pageHeadings !== 1) problems.push(`${pageHeadings} h1 headings instead of one`);
  if (count("main") !== 1) problems.push(`${count("main")} main landmarks instead of one`);
  if (count("body > header") !== 1) problems.push("no banner (body > header)");
  if (count("body > footer") !== 1) problems.push("no contentinfo (body > footer)");
  for (const nav of document.querySelectorAll("nav")) {
    if (!nav.getAttribute("aria-label") && !nav.getAttribute("aria-labelledby")) {
      problems.push(`navigation without a name: ${describe(nav)}`);
    }
  }
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  if (!document.title.trim()) problems.push("no <title>");
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push(`wider than the window: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
  }
  return problems;
}

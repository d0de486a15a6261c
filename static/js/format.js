// French wording and small DOM helpers shared by the directory pages.

// R-ORG-1: structure kinds, in the order the search form offers them.
export const KINDS = [
  ["ACI", "Atelier chantier d'insertion"],
  ["ACIPHC", "ACI premières heures en chantier"],
  ["AI", "Association intermédiaire"],
  ["EI", "Entreprise d'insertion"],
  ["EITI", "Entreprise d'insertion par le travail indépendant"],
  ["ETTI", "Entreprise de travail temporaire d'insertion"],
  ["GEIQ", "Groupement d'employeurs pour l'insertion et la qualification"],
  ["EA", "Entreprise adaptée"],
  ["EATT", "Entreprise adaptée de travail temporaire"],
  ["OPCS", "Organisation porteuse de la clause sociale"],
];

// R-DIR-1: the distances a search may use, in km, and the default one.
export const DISTANCES = [2, 5, 10, 15, 25, 50, 100];
export const DEFAULT_DISTANCE = 25;

export function kindLabel(code) {
  return KINDS.find(([kind]) => kind === code)?.[1] ?? code;
}

const decimal = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat("fr-FR");

// 3.24 → "3,2 km"
export function km(value) {
  return `${decimal.format(value)} km`;
}

// 3.24 → "à 3,2 km"; very close → "à moins de 100 m"
export function distanceText(value) {
  return value < 0.1 ? "à moins de 100 m" : `à ${km(value)}`;
}

// French plural: 0 and 1 take the singular.
export function count(n, singular, plural) {
  return `${integer.format(n)} ${n > 1 ? plural : singular}`;
}

export function structureCount(n) {
  return n === 0 ? "Aucune structure" : count(n, "structure", "structures");
}

export function positions(n) {
  return n === 0 ? "aucun poste ouvert" : count(n, "poste ouvert", "postes ouverts");
}

export function cityLabel(city) {
  return city.department ? `${city.name} (${city.department})` : city.name;
}

// Case- and accent-insensitive comparison key: "Saint-Étienne" → "saint etienne".
export function normalize(text) {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

// "13, 84 ;2a" → "13,84,2A"
export function commaList(text, { upper = false } = {}) {
  return text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((v) => (upper ? v.toUpperCase() : v))
    .join(",");
}

// el("a", { href: "/x", class: "card" }, "texte", child…): builds an element; text is never HTML.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// A term and its value in a <dl class="facts">: [dt, dd].
export function fact(term, ...value) {
  return [el("dt", {}, term), el("dd", {}, ...value)];
}

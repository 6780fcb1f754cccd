// Keeps in out/types/ only the declarations a user of the package can reach, to hold the package
// under its 1 MB budget (issue 17):
// - a .d.ts file (and its map) stays when the entry points reach it through import/export
//   specifiers or `import("...")` types; tsc declares every source file, most of them internal;
// - in the generated files of imports/ (the Kubernetes and CRD types: 1,000 declarations, of
//   which the constructs' props name a few dozen) a top-level declaration stays when a kept file
//   names it, or a kept declaration does, transitively. A file that uses an imports/ module in a
//   way this cannot follow (`export *` of it) keeps all of it.
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

function resolveDeclaration(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.d.ts`, path.join(base, 'index.d.ts')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function parse(file) {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** The names a source file takes from each module it refers to; `'*'` when it takes them all. */
function namesUsed(source) {
  const uses = new Map(); // resolved file -> Set of names
  const namespaces = new Map(); // local namespace identifier -> resolved file
  const use = (file, name) => {
    if (!uses.has(file)) uses.set(file, new Set());
    uses.get(file).add(name);
  };
  const leftmost = (entity) => (ts.isQualifiedName(entity) ? leftmost(entity.left) : entity);
  for (const statement of source.statements) {
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier)) continue;
    const file = resolveDeclaration(source.fileName, specifier.text);
    if (!file) continue;
    if (!uses.has(file)) uses.set(file, new Set());
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) use(file, 'default');
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) namespaces.set(bindings.name.text, file);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) use(file, (element.propertyName ?? element.name).text);
      }
    } else if (ts.isExportDeclaration(statement)) {
      if (!statement.exportClause || ts.isNamespaceExport(statement.exportClause)) use(file, '*');
      else for (const element of statement.exportClause.elements) use(file, (element.propertyName ?? element.name).text);
    }
  }
  const visit = (node) => {
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      const file = resolveDeclaration(source.fileName, node.argument.literal.text);
      if (file) use(file, node.qualifier ? leftmost(node.qualifier).text : '*');
    } else if (ts.isQualifiedName(node) || ts.isPropertyAccessExpression(node)) {
      const left = ts.isQualifiedName(node) ? node.left : node.expression;
      if (ts.isIdentifier(left) && namespaces.has(left.text)) use(namespaces.get(left.text), ts.isQualifiedName(node) ? node.right.text : node.name.text);
    } else if (ts.isIdentifier(node) && namespaces.has(node.text)) {
      // A namespace used whole (typeof k8s, a value position): keep the module whole.
      const parent = node.parent;
      const qualified = (ts.isQualifiedName(parent) && parent.left === node) || (ts.isPropertyAccessExpression(parent) && parent.expression === node);
      if (!qualified && !ts.isNamespaceImport(parent)) use(namespaces.get(node.text), '*');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

function declaredNames(statement) {
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.map((d) => d.name.getText());
  return statement.name && ts.isIdentifier(statement.name) ? [statement.name.text] : [];
}

/** Rewrites `file` keeping the declarations `wanted` names and what they refer to. */
function pruneModule(file, wanted) {
  const source = parse(file);
  const byName = new Map();
  for (const statement of source.statements) {
    for (const name of declaredNames(statement)) {
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(statement);
    }
  }
  const keep = new Set();
  const queue = [...wanted].filter((name) => byName.has(name));
  const seen = new Set(queue);
  while (queue.length > 0) {
    for (const statement of byName.get(queue.pop())) {
      if (keep.has(statement)) continue;
      keep.add(statement);
      const visit = (node) => {
        if (ts.isIdentifier(node) && byName.has(node.text) && !seen.has(node.text)) {
          seen.add(node.text);
          queue.push(node.text);
        }
        ts.forEachChild(node, visit);
      };
      visit(statement);
    }
  }
  const statements = source.statements.filter((s) => declaredNames(s).length === 0 || keep.has(s));
  const printer = ts.createPrinter({ removeComments: true });
  fs.writeFileSync(file, printer.printFile(ts.factory.updateSourceFile(source, statements)));
}

/** Prunes `typesDir` to what `entries` reach. Returns the number of bytes removed. */
function pruneDeclarations(typesDir, entries, generatedDir) {
  const before = folderSize(typesDir);
  const reached = new Set();
  const wanted = new Map(); // generated module -> names
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop();
    if (reached.has(file)) continue;
    reached.add(file);
    for (const [target, names] of namesUsed(parse(file))) {
      const generated = target.startsWith(generatedDir + path.sep);
      if (generated) {
        if (!wanted.has(target)) wanted.set(target, new Set());
        for (const name of names) wanted.get(target).add(name);
      }
      // A generated module is kept whole only when it is re-exported whole; it imports nothing of ours.
      if (!generated) queue.push(target);
      else reached.add(target);
    }
  }
  for (const file of listFiles(typesDir)) {
    const declaration = file.replace(/\.map$/, '');
    if (!reached.has(declaration)) fs.rmSync(file);
  }
  for (const [file, names] of wanted) {
    if (!names.has('*')) pruneModule(file, names);
  }
  removeEmptyFolders(typesDir);
  return before - folderSize(typesDir);
}

function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function folderSize(dir) {
  return listFiles(dir).reduce((sum, f) => sum + fs.statSync(f).size, 0);
}

function removeEmptyFolders(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) removeEmptyFolders(path.join(dir, e.name));
  }
  if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

module.exports = { pruneDeclarations };

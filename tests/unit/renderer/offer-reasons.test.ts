// Every skip and wait reason the platform writes (platform/imports/) is said in English and French in the import
// history and the scan preview: a reason added to the platform without a wording here fails this test.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { reasonOf, reasonText } from '../../../renderer/src/screens/offers/offer-text';

const root = path.resolve(__dirname, '../../..');
const imports = path.join(root, 'platform/imports');
const load = (lang: string) =>
  JSON.parse(readFileSync(path.join(root, 'renderer/src/i18n/locales', lang, 'offers.json'), 'utf8')) as object;

/** The literal texts an expression can give: strings, templates (each `${...}` as 7), both sides of ?: and ??. */
function literalsOf(node: ts.Expression, consts: ReadonlyMap<string, ts.Expression>): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) {
    return [node.head.text + node.templateSpans.map((span) => `7${span.literal.text}`).join('')];
  }
  if (ts.isParenthesizedExpression(node)) return literalsOf(node.expression, consts);
  if (ts.isConditionalExpression(node)) {
    return [...literalsOf(node.whenTrue, consts), ...literalsOf(node.whenFalse, consts)];
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
    return [...literalsOf(node.left, consts), ...literalsOf(node.right, consts)];
  }
  if (ts.isIdentifier(node)) {
    const value = consts.get(node.text);
    return value === undefined ? [] : literalsOf(value, consts);
  }
  // Anything else is passed through (item.reason) or a storage's own error (describeError): not a platform wording.
  return [];
}

/**
 * The reasons written in one source file: `reason:` of a skip or wait record ({ path, reason } or { kind, reason }),
 * the arguments of `skip(...)`, and what `offerPathProblem` returns. Audit entries' `reason` (no path) are not skips.
 */
function reasonsIn(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const consts = new Map<string, ts.Expression>();
  const sinks: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      consts.set(node.name.text, node.initializer);
    }
    if (ts.isObjectLiteralExpression(node)) {
      const names = node.properties.map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : ''));
      if (names.includes('path') || names.includes('kind')) {
        for (const p of node.properties) {
          if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'reason')
            sinks.push(p.initializer);
        }
      }
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'skip') {
      sinks.push(...node.arguments);
    }
    if (ts.isReturnStatement(node) && node.expression) {
      const fn = ts.findAncestor(node, ts.isFunctionDeclaration);
      if (fn?.name?.text === 'offerPathProblem') sinks.push(node.expression);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sinks.flatMap((sink) => literalsOf(sink, consts));
}

const reasons = [
  ...new Set(
    readdirSync(imports)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => reasonsIn(path.join(imports, f))),
  ),
].sort();

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({
    resources: { en: { translation: { offers: load('en') } }, fr: { translation: { offers: load('fr') } } },
    lng: 'en',
    interpolation: { escapeValue: false },
  });
});

describe('platform skip and wait reasons', () => {
  it('are found in the platform sources (the scan itself works)', () => {
    expect(reasons).toEqual(
      expect.arrayContaining([
        'already in the offer (same path, size and SHA-256)',
        'the offer was archived',
        'first seen: taken once it looks the same at the next scan',
        '7 more files skipped (not listed)',
      ]),
    );
    expect(reasons.length).toBeGreaterThanOrEqual(10);
  });

  it('each have a wording in English and French', () => {
    const unknown = reasons.filter((reason) => reasonOf(reason) === null);
    expect(unknown).toEqual([]);
    for (const lng of ['en', 'fr']) {
      const t = i18n.getFixedT(lng);
      for (const reason of reasons) {
        const key = `offers.reasons.${reasonOf(reason)!.key}`;
        expect(i18n.exists(key, { lng, count: 2 }), `${lng} ${key}`).toBe(true);
        const text = reasonText(t, reason);
        expect(text, `${lng}: ${reason}`).not.toMatch(/\{\{|offers\.reasons/);
      }
    }
  });

  it('take their values from the platform’s text', () => {
    const fr = i18n.getFixedT('fr');
    expect(reasonText(fr, '3 more files skipped (not listed)')).toBe('3 autres fichiers ignorés (non listés)');
    expect(reasonText(fr, 'unsafe name: contains a control character')).toBe(
      'nom dangereux (contains a control character)',
    );
    expect(reasonText(fr, 'left out: a Google document file holds no bytes to copy')).toBe(
      'écarté à la lecture du stockage (a Google document file holds no bytes to copy)',
    );
    expect(reasonText(fr, "path too long: 1100 bytes, an offer's paths have at most 1024")).toBe(
      "chemin trop long (1100 octets\u202f; les chemins d'une offre ont au plus 1024 octets)",
    );
    // A storage's own error is not a platform wording: shown as it is.
    expect(reasonText(fr, 'Access Denied (permission denied)')).toBe('Access Denied (permission denied)');
  });
});

// Renders a URL template: values interpolated into the query are percent-encoded as components,
// values in the scheme/host/path part only have unsafe characters escaped (so a base URL can come from env).
import { type ExpressionScope, evaluateExpression } from '../language/expressions.js';

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

export function renderUrl(template: string, scope: ExpressionScope): string {
  const queryStart = template.indexOf('?');
  return template.replace(TEMPLATE, (_match, inner: string, offset: number) => {
    const value = evaluateExpression(inner.trim(), scope);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return queryStart >= 0 && offset > queryStart ? encodeURIComponent(text) : encodeURI(text);
  });
}

// The layout worker: one LayoutRequest in, one LayoutResult out (or an error message).
import { type LayoutRequest, layout } from './layout.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  try {
    scope.postMessage(layout(event.data));
  } catch (error) {
    scope.postMessage({ key: event.data.key, error: String((error as Error)?.stack ?? error) });
  }
};

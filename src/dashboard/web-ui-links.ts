/** Where the Temporal Web UI is and which namespace the onboardings run in. */
export interface WebUiTarget {
  /** Base URL of the Web UI (`config.temporal.uiUrl`), e.g. http://127.0.0.1:8233. */
  uiUrl: string;
  namespace: string;
}

function namespaceUrl({ uiUrl, namespace }: WebUiTarget): string {
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}`;
}

/** The Web UI page of one workflow (its latest run). */
export function workflowUrl(target: WebUiTarget, workflowId: string): string {
  return `${namespaceUrl(target)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The Web UI's workflow list filtered by a visibility query, e.g. `OnboardingStage="awaiting_device"`. */
export function workflowListUrl(target: WebUiTarget, query: string): string {
  return `${namespaceUrl(target)}/workflows?query=${encodeURIComponent(query)}`;
}

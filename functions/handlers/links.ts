/** @module Links in job records and responses (relative to the API base URL). */
export function jobLinks(baseUrl: string, id: string): { self: string; result: string; cancel: string } {
  const self = `${baseUrl}/v1/jobs/${id}`;
  return { self, result: `${self}/result`, cancel: `${self}/cancel` };
}

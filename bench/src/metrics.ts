/** Sum of every messages_handled_total series of a Prometheus text page (all labels). */
export function messagesHandled(metricsText: string): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (!/^messages_handled_total[{ ]/.test(line)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

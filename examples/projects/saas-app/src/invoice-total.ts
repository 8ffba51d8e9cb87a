/** Total of an invoice in cents: net lines plus VAT, rounded once at the end. */
export function invoiceTotal(lines: ReadonlyArray<{ netCents: number; vatRate: number }>): number {
  const exact = lines.reduce((sum, line) => sum + line.netCents * (1 + line.vatRate), 0);
  return Math.round(exact);
}

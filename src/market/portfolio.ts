import { RlError } from '../core/errors.js';

/**
 * Prices the cost of trading `deltaShares` (signed) at `price`, in currency (≥ 0). Called once per
 * rebalance, including with Δq = 0, so the callee can reset its own reused cost record.
 */
export type CostFn = (deltaShares: number, price: number) => number;

/**
 * Single-asset portfolio accounting in currency and shares.
 *
 * Sign conventions: `shares > 0` is long, `shares < 0` is short; buying (Δq > 0) lowers cash by Δq·p,
 * selling (Δq < 0) raises it by |Δq|·p, and a short position's proceeds sit in cash. Costs (of trades, and
 * holding costs such as a short's borrow fee, see {@link Portfolio.charge}) are always paid from cash. Cash
 * may go negative (a leveraged long is financed at zero interest). Shares are fractional.
 *
 * equity(p) = cash + shares·p; weight(p) = shares·p / equity(p) (a fraction of equity: 1 = fully long,
 * −1 = fully short). This identity holds after every operation: nothing else holds value.
 *
 * @example
 * const pf = new Portfolio(1_000_000);
 * pf.rebalanceTo(1, 100, (dq, p) => Math.abs(dq) * p * 1e-4); // buy 10,000 shares, pay 100 in costs
 * pf.equityAt(101);                                           // 1,009,900
 */
export class Portfolio {
  /** Currency held (negative when borrowing to be long). */
  cash: number;
  /** Signed position in shares. */
  shares = 0;
  /** Δq of the last {@link rebalanceTo}, in shares. */
  lastDeltaShares = 0;
  /** Cost paid by the last {@link rebalanceTo}, in currency. */
  lastCost = 0;

  constructor(readonly initialCash: number) {
    this.cash = initialCash;
  }

  /** Back to all cash, no position. */
  reset(cash: number = this.initialCash): void {
    this.cash = cash;
    this.shares = 0;
    this.lastDeltaShares = 0;
    this.lastCost = 0;
  }

  /** Net liquidation value at `price`: cash + shares·price, in currency. */
  equityAt(price: number): number {
    return this.cash + this.shares * price;
  }

  /** Position as a fraction of equity at `price`; 0 when equity ≤ 0 (the weight is undefined there). */
  weightAt(price: number): number {
    const equity = this.equityAt(price);
    return equity > 0 ? (this.shares * price) / equity : 0;
  }

  /**
   * Trades to `targetWeight` of equity at `fillPrice`: target shares = targetWeight·equity/fillPrice with
   * equity valued at the fill price before costs, Δq = target − shares, then the cost of Δq is paid from cash.
   * Because costs come out afterwards, the realised weight is slightly off target (by cost/equity).
   *
   * @param targetWeight fraction of equity (−1 fully short … 1 fully long; leverage allowed)
   * @param fillPrice execution price, in currency per share (> 0)
   * @param costOf cost of the trade in currency
   * @returns Δq in shares (signed)
   * @throws RlError (E_ASSERT) when equity at the fill price is not positive: a bankrupt account cannot size
   *   a position.
   */
  rebalanceTo(targetWeight: number, fillPrice: number, costOf: CostFn): number {
    const delta = this.deltaTo(targetWeight, fillPrice);
    this.trade(delta, fillPrice, costOf(delta, fillPrice));
    return delta;
  }

  /**
   * The trade {@link rebalanceTo} would make, without making it: Δq = targetWeight·equity/fillPrice − shares,
   * equity valued at `fillPrice`. Pair with {@link trade} to price the costs in between.
   *
   * @returns Δq in shares (signed)
   * @throws RlError (E_ASSERT) when equity at the fill price is not positive.
   * @example
   * const dq = pf.deltaTo(0.5, 100);
   * pf.trade(dq, 100, costOf(dq, 100));
   */
  deltaTo(targetWeight: number, fillPrice: number): number {
    const equity = this.equityAt(fillPrice);
    // An explicit branch rather than assert(): no message closure is created on this hot path.
    if (!(equity > 0)) throw new RlError(`cannot rebalance with non-positive equity ${equity} at price ${fillPrice}`, 'E_ASSERT');
    return (targetWeight * equity) / fillPrice - this.shares;
  }

  /** Buys (Δq > 0) or sells (Δq < 0) `deltaShares` at `price` and pays `cost` (currency) from cash. */
  trade(deltaShares: number, price: number, cost: number): void {
    this.shares += deltaShares;
    this.cash -= deltaShares * price + cost;
    this.lastDeltaShares = deltaShares;
    this.lastCost = cost;
  }

  /**
   * Pays a cost that is not a trade (a short's borrow fee, a financing charge) from cash, in currency.
   * Shares and the last-trade records are unchanged.
   *
   * @example
   * pf.charge(borrowCost(costs, pf.shares, close, time[t], time[t + 1]));
   */
  charge(cost: number): void {
    this.cash -= cost;
  }
}

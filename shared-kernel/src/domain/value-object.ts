/**
 * A value defined by its attributes, immutable and compared by value.
 * Subclasses validate in their factory and throw a DomainError on bad input.
 */
export abstract class ValueObject<TProps extends Record<string, unknown>> {
  protected readonly props: Readonly<TProps>;

  protected constructor(props: TProps) {
    this.props = Object.freeze({ ...props });
  }

  equals(other: ValueObject<TProps> | null | undefined): boolean {
    if (!other || other.constructor !== this.constructor) return false;
    const keys = Object.keys(this.props);
    return keys.every((key) => Object.is(this.props[key], other.props[key]));
  }
}

/**
 * Catches a render error in one part of the panel and shows it in place, so one odd value
 * from the page cannot blank the whole panel. "Retry" re-renders the part.
 */
import { Component, type ComponentChildren } from 'preact';

interface Props {
  name: string;
  children?: ComponentChildren;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static override getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown): void {
    console.error(`[hindsight] ${this.props.name} failed to render`, error);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div class="boundary" role="alert" data-testid="error-boundary">
        <strong>{this.props.name} could not be shown:</strong> <span>{error.message}</span>{' '}
        <button type="button" onClick={() => this.setState({ error: null })}>
          Retry
        </button>
      </div>
    );
  }
}

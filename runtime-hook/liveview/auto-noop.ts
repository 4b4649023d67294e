/** Production builds of `hindsight-hook/liveview`: nothing. */
export {};

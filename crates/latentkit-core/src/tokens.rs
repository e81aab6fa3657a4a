//! The token settings of a text model, on their own so that layers, noise and the config
//! can all name them without importing each other.

/// Text models: each row is `length` token ids in `0..vocab`. The first layer looks each
/// token up in one table of `table` columns shared by every position (`token_embedding`);
/// the output is one distribution over the vocabulary per position, through the same table
/// (`text_head`), trained with categorical cross-entropy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSpec {
    pub length: usize,
    pub vocab: usize,
    /// Padding after the end of a text (default 0).
    pub pad_id: u32,
    /// End of text (default 1).
    pub end_id: u32,
    /// The `<mask>` token (default 2), used as the start: the context before the first
    /// position of a context head, and the replacement of masked or dropped tokens in
    /// denoising. Never a target, so never drawn. Saved under the JSON key `maskId`, the
    /// file format's name for it.
    pub start_id: u32,
    /// Tokens before each position that the output layer sees (0: none, each position is
    /// predicted from the code alone; 1..=8: autoregressive, see `text_head`).
    pub context: usize,
    /// Width d of the token table (its rows are the tokens' embeddings).
    pub table: usize,
}

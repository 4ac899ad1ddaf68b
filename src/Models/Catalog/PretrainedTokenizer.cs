namespace MlNetGraviton.Models.Catalog;

/// <summary>The tokenizer family a pretrained model was trained with.</summary>
public enum PretrainedTokenizer
{
    /// <summary>BERT WordPiece over a <c>vocab.txt</c> (<c>[CLS] text [SEP]</c>, token type ids 0).</summary>
    BertWordPiece,
}

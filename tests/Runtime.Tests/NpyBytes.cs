using System.Text;

namespace MlNetGraviton.Runtime.Tests;

/// <summary>Hand-assembles .npy files straight from the format description, independent of the code under test.</summary>
internal static class NpyBytes
{
    public static byte[] Build(string dict, byte[] data, byte major = 1, bool utf8 = false, bool pad = true)
    {
        int prefix = major == 1 ? 10 : 12;
        string text = dict;
        if (pad)
        {
            while ((prefix + text.Length + 1) % 64 != 0)
                text += " ";
            text += "\n";
        }
        byte[] header = utf8 ? Encoding.UTF8.GetBytes(text) : Encoding.Latin1.GetBytes(text);
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
        if (major == 1)
            bytes.AddRange(BitConverter.GetBytes((ushort)header.Length));
        else
            bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(header);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}

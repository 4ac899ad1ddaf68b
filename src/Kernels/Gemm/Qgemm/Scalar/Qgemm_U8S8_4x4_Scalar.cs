namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Portable fallback: u8 A × s8 B, 4×4 tile, K step 1, plain integer code. Runs everywhere and is the kernel
/// a <see cref="IsaLevel.Scalar"/> limit selects.
/// </summary>
internal sealed unsafe class Qgemm_U8S8_4x4_Scalar : QgemmKernel
{
    public static readonly Qgemm_U8S8_4x4_Scalar Instance = new();

    public override string Name => "Qgemm_U8S8_4x4_Scalar";
    public override int MR => 4;
    public override int NR => 4;
    public override int KGroup => 1;
    public override bool ASigned => false;

    public override bool IsSupported(CpuFeatures cpu) => true;

    public override void Compute(byte* packedA, byte* packedB, int kPadded, int* tile)
    {
        int c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        int c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        byte* a = packedA;
        sbyte* b = (sbyte*)packedB;
        for (int k = 0; k < kPadded; k++, a += 4, b += 4)
        {
            int a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
            int b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
        tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
        tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
        tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
    }
}
